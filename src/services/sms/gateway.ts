/** What a gateway is asked to deliver: one verification code. */
export interface SmsMessage {
  phone: string;
  code: string;
  /** 1 register, 2 forgot password (more purposes come with later issues). */
  commandType: number;
  ttlSeconds: number;
}

/** Why a provider refused: mapped by the caller onto the captcha endpoint's statuses. */
export type SmsRefusal = 'bad_phone' | 'limit_30s' | 'limit_hour' | 'limit_day' | 'failed';

export type SmsResult = { ok: true } | { ok: false; refusal: SmsRefusal; detail: string };

export interface SmsGateway {
  readonly name: string;
  send(message: SmsMessage): Promise<SmsResult>;
}

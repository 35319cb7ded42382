/** What a gateway is asked to deliver: a verification code, or a fall alert to a family member. */
export type SmsMessage =
  | { kind: 'code'; phone: string; code: string; commandType: number; ttlSeconds: number }
  | { kind: 'alert'; phone: string; device: string; eventId: string; createtime: string };

/** Why a provider refused: mapped by the caller onto the captcha endpoint's statuses. */
export type SmsRefusal = 'bad_phone' | 'limit_30s' | 'limit_hour' | 'limit_day' | 'failed';

export type SmsResult = { ok: true } | { ok: false; refusal: SmsRefusal; detail: string };

export interface SmsGateway {
  readonly name: string;
  send(message: SmsMessage): Promise<SmsResult>;
}

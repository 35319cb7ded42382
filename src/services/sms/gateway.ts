/** An alert about one fall: the first SMS, the repeat, or the voice call. */
export type FallKind = 'alert' | 'alert-repeat' | 'call';

/** What a gateway is asked to deliver: a verification code, a fall alert (SMS or call), a camera's liveness. */
export type SmsMessage =
  | { kind: 'code'; phone: string; code: string; commandType: number; ttlSeconds: number }
  | { kind: FallKind; phone: string; device: string; eventId: string; createtime: string }
  | { kind: 'offline' | 'online'; phone: string; device: string; lastSeen: string | null };

/** Why a provider refused: mapped by the caller onto the captcha endpoint's statuses. */
export type SmsRefusal = 'bad_phone' | 'limit_30s' | 'limit_hour' | 'limit_day' | 'failed';

export type SmsResult = { ok: true } | { ok: false; refusal: SmsRefusal; detail: string };

export interface SmsGateway {
  readonly name: string;
  send(message: SmsMessage): Promise<SmsResult>;
}

/** An SMS about one fall: the first, the repeat, the first after the resident pressed 1 (alert-ok), everyone's after the person on call (next-level), the last resort's. */
export type FallSms = 'alert' | 'alert-repeat' | 'alert-ok' | 'next-level' | 'last-resort';
/** A call about one fall: the family's, the question to the resident, the last resort's. */
export type FallCall = 'call' | 'resident-call' | 'last-resort-call';
export type FallKind = FallSms | FallCall;

export const isCall = (kind: string): kind is FallCall | 'drill-call' => kind === 'call' || kind === 'resident-call' || kind === 'last-resort-call' || kind === 'drill-call';

/**
 * What a gateway is asked to deliver: a verification code, a fall alert (SMS or call; `invite`: its
 * text asks for an answer, 1 on the keypad or by SMS, when answers by phone are on), the confirmation
 * of an SMS reply (`open`: the phone's other falls still unacknowledged), a camera's liveness, a pause
 * begun (by: the phone that started it) or over (early: by whom), and the summary of what quiet hours
 * held (`lines`: the first few, "<camera>: <kind>"), a drill's test SMS and call (they ask for a 1).
 */
export type SmsMessage =
  | { kind: 'code'; phone: string; code: string; commandType: number; ttlSeconds: number }
  | { kind: FallKind; phone: string; device: string; eventId: string; createtime: string; invite: boolean }
  | { kind: 'acknowledged'; phone: string; device: string; eventId: string; createtime: string; open: number }
  | { kind: 'offline' | 'online'; phone: string; device: string; lastSeen: string | null }
  | { kind: 'pause'; phone: string; device: string; by: string; until: string; reason: string | null }
  | { kind: 'pause-end'; phone: string; device: string; how: 'early' | 'expired'; by: string | null }
  | { kind: 'summary'; phone: string; count: number; lines: string[] }
  | { kind: 'drill' | 'drill-call'; phone: string; device: string; invite: boolean };

/** Why a provider refused: mapped by the caller onto the captcha endpoint's statuses. */
export type SmsRefusal = 'bad_phone' | 'limit_30s' | 'limit_hour' | 'limit_day' | 'failed';

/** `callId`: the provider's id of a call placed, which its callbacks name. */
export type SmsResult = { ok: true; callId?: string } | { ok: false; refusal: SmsRefusal; detail: string };

export interface SmsGateway {
  readonly name: string;
  send(message: SmsMessage): Promise<SmsResult>;
}

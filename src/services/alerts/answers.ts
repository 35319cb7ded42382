import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { AnswerStore, CallEnd, PlacedCall } from '../../db/answers.js';
import type { Database } from '../../db/engine.js';
import type { DeviceStore } from '../../db/devices.js';
import type { NoticeRow, NoticeStore } from '../../db/notices.js';
import type { Logger } from '../../log.js';
import { type AuditLog, maskPhone, sha256Hex } from '../shared/index.js';
import type { SmsGateway } from '../sms/index.js';
import type { Alerts } from './escalation.js';
import type { Drills } from './drills.js';
import type { NoticeIngest } from './ingest.js';
import type { NoticeView } from './view.js';

/** A keypress counts for an hour after its call was placed. */
const CALL_ANSWER_MS = 3600_000;
/** Callbacks already taken are remembered this long (providers retry for minutes, not days). */
const REMEMBER_MS = 24 * 3600_000;

/** Replies that mean "I have seen it", after NFKC (１ is 1, ＯＫ is OK), without spaces, in lower case. */
const SEEN = new Set(['1', 'ok', '收到', '好']);

/** Where a callback came from, for the audit trail. */
export interface Caller {
  ip: string;
  requestId: string;
}

/** What came of a callback: taken (and what it did), or why it changed nothing. */
export type Answered =
  | { taken: true; did: 'acknowledged' | 'resident' | 'status' | 'drill' }
  | { taken: false; why: 'unknown_call' | 'wrong_phone' | 'stale' | 'repeated' | 'other_key' | 'not_sent' | 'other_text' | 'not_bound' };

/** `nationcode` and `mobile` as Tencent posts them, as our numbers are kept: mainland numbers without +86. */
export function phoneOf(nationcode: string, mobile: string): string {
  const digits = mobile.replace(/[\s-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  return nationcode === '86' || nationcode === '+86' || nationcode === '' ? digits : `+${nationcode}${digits}`;
}

/** Does an SMS reply say "seen"? */
export function saysSeen(text: string): boolean {
  return SEEN.has(text.normalize('NFKC').replace(/\s+/g, '').toLowerCase());
}

/**
 * Answers by phone: a keypress on a call we placed, how the call ended, a reply to a fall SMS. Each
 * is believed only as far as alert_contacts vouches for it (the call was ours, to that number, within
 * the hour, answered once; the phone was sent a fall SMS within ALERT_REPLY_WINDOW_SECONDS), and
 * each is taken once. Everything is in the database, so any instance may take any callback.
 */
export class PhoneAnswers {
  constructor(
    private readonly db: Database,
    private readonly stores: { answers: AnswerStore; notices: NoticeStore; devices: DeviceStore },
    private readonly flows: { ingest: NoticeIngest; alerts: Alerts; drills: Drills; view: NoticeView; audit: AuditLog; gateway: SmsGateway },
    private readonly base: { clock: Clock; config: Config; log: Logger },
  ) {}

  /** A key pressed on a call: 1 from the family or the last resort acknowledges; 1 or 2 from the resident answers. */
  async keypress(callId: string, key: string, phone: string, who: Caller, log: Logger = this.base.log): Promise<Answered> {
    // not a fall's call: a drill's, which a 1 proves
    if (key === '1' && !(await this.stores.answers.call(this.db.read, callId)) && (await this.flows.drills.proveCall(callId, phone))) return { taken: true, did: 'drill' };
    const call = await this.placed(callId, phone, who, 'keypress');
    if ('taken' in call) return call;
    const now = this.base.clock.now();
    if (now - call.sentAt > CALL_ANSWER_MS) return this.refused(who, 'keypress', 'stale', { call_id: callId });
    const counts = call.role === 'resident' ? key === '1' || key === '2' : key === '1';
    if (!counts) return { taken: false, why: 'other_key' };
    if (!(await this.db.transaction((tx) => this.stores.answers.keypress(tx, call.id, key, now)))) return this.refused(who, 'keypress', 'repeated', { call_id: callId });
    const notice = (await this.stores.notices.byId(this.db.read, call.noticeId))!;
    if (call.role === 'resident') {
      const answer = key === '1' ? 'ok' : 'help';
      await this.flows.audit.recordNow({ user: null, ip: who.ip, requestId: who.requestId }, 'notice.resident', { deviceId: notice.deviceToken, label: notice.eventId }, { answer, channel: 'call' });
      await this.flows.alerts.residentAnswered(call.noticeId, answer, log);
      return { taken: true, did: 'resident' };
    }
    return this.acknowledge(notice, call, 'call', who, log);
  }

  /** How a call ended. The resident's call ending without a 1 or 2 lets the family's chain go on at once. */
  async callEnded(callId: string, status: CallEnd, phone: string, who: Caller, log: Logger = this.base.log): Promise<Answered> {
    const call = await this.placed(callId, phone, who, 'status');
    if ('taken' in call) return call;
    if (!(await this.db.transaction((tx) => this.stores.answers.ended(tx, call.id, status, this.base.clock.now())))) return { taken: false, why: 'repeated' };
    log.info('alert call ended', { notice: call.noticeId, role: call.role, status });
    // the keypress callback comes during the call, this one after it: a resident who pressed a key has answered already
    if (call.role === 'resident') await this.flows.alerts.residentAnswered(call.noticeId, 'no_answer', log);
    return { taken: true, did: 'status' };
  }

  /**
   * A reply to an SMS. "1" (or 收到, 好, ok) acknowledges the newest open fall this phone was sent an SMS
   * about within the window, and one SMS confirms which, and how many others are still open.
   */
  async reply(phone: string, text: string, time: number, who: Caller, log: Logger = this.base.log): Promise<Answered> {
    if (!saysSeen(text)) return { taken: false, why: 'other_text' };
    const now = this.base.clock.now();
    const since = now - this.base.config.alertReplyWindowSeconds * 1000;
    const target = await this.stores.answers.replyTarget(this.db.read, phone, since);
    // no open fall to answer: a drill's SMS it proves
    if (!target && (await this.flows.drills.proveSms(phone))) return { taken: true, did: 'drill' };
    if (!target) return this.refused(who, 'reply', 'not_sent', { phone: maskPhone(phone) });
    if (!(await this.db.transaction((tx) => this.stores.answers.take(tx, sha256Hex(`sms|${phone}|${time}|${text}`), now)))) {
      return this.refused(who, 'reply', 'repeated', { phone: maskPhone(phone) });
    }
    const notice = (await this.stores.notices.byId(this.db.read, target.noticeId))!;
    const done = await this.acknowledge(notice, { role: target.role, userId: target.userId, phone }, 'sms', who, log);
    if (done.taken) {
      const open = await this.stores.answers.stillOpen(this.db.read, phone, since);
      const { device, createtime, event_id } = this.flows.view.describe(notice);
      const sent = await this.flows.gateway.send({ kind: 'acknowledged', phone, device, eventId: event_id, createtime, open }).catch((err: Error) => ({ ok: false as const, detail: err.message }));
      if (!sent.ok) log.warn('reply not confirmed by SMS', { event_id, phone, detail: 'detail' in sent ? sent.detail : '' });
    }
    return done;
  }

  /** The call a callback names, when we placed it to that number; else the refusal (audited). */
  private async placed(callId: string, phone: string, who: Caller, callback: 'keypress' | 'status'): Promise<PlacedCall | Answered> {
    const call = await this.stores.answers.call(this.db.read, callId);
    if (!call) return this.refused(who, callback, 'unknown_call', { call_id: callId.slice(0, 64) });
    if (call.phone !== phone) return this.refused(who, callback, 'wrong_phone', { call_id: callId, phone: maskPhone(phone) });
    return call;
  }

  /** Forgets callbacks taken long ago (the sweeps). */
  sweep(): Promise<number> {
    return this.db.transaction((tx) => this.stores.answers.sweep(tx, this.base.clock.now() - REMEMBER_MS));
  }

  private async acknowledge(notice: NoticeRow, by: { role: string; userId: number | null; phone: string }, via: 'call' | 'sms', who: Caller, log: Logger): Promise<Answered> {
    const actor = { ip: who.ip, requestId: who.requestId, via };
    if (by.role === 'last_resort') {
      await this.flows.ingest.acknowledge({ ...actor, user: null, lastResort: by.phone }, notice, log);
      return { taken: true, did: 'acknowledged' };
    }
    const user = (await this.stores.devices.boundUsers(this.db.read, notice.deviceRowId)).find((u) => u.id === by.userId);
    if (!user) return this.refused(who, via === 'call' ? 'keypress' : 'reply', 'not_bound', { phone: maskPhone(by.phone) });
    await this.flows.ingest.acknowledge({ ...actor, user }, notice, log);
    return { taken: true, did: 'acknowledged' };
  }

  /** A callback that changes nothing and looks like someone else's doing is audited (the rate limit keeps it small). */
  async refused(who: Caller, callback: 'keypress' | 'status' | 'reply' | 'secret' | 'body', why: string, detail: Record<string, unknown> = {}): Promise<Answered> {
    await this.flows.audit.recordNow({ user: null, ip: who.ip, requestId: who.requestId }, 'callback.refused', { label: callback }, { why, ...detail });
    this.base.log.warn('provider callback refused', { callback, why, ip: who.ip, ...detail });
    return { taken: false, why: why as Extract<Answered, { taken: false }>['why'] };
  }
}

import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { AlertStore, DueStep, Outcome, StepKind } from '../../db/alerts.js';
import { roleOf, type AnswerStore } from '../../db/answers.js';
import type { DeviceRow, DeviceStore } from '../../db/devices.js';
import type { Database, Tx } from '../../db/engine.js';
import type { NoticeStore } from '../../db/notices.js';
import type { Logger } from '../../log.js';
import type { Bus } from '../shared/index.js';
import type { WebPush } from './push.js';
import { isCall, type FallKind, type SmsGateway, type SmsMessage } from '../sms/index.js';
import { nextLevelOf, onCallAt, rotaOf, zoneOf } from './oncall.js';

/** Sends tried after the first: the provider refused, so the next waits ALERT_RETRY_SECONDS, then twice, then four times that. */
export const MAX_RETRIES = 3;
const TICK_MS = 1000;
const BATCH = 200;

interface Fall {
  noticeId: number;
  eventId: string;
  device: string;
  createtime: string;
}

/** Whom a message goes to: a bound account's phone, or the resident's or last resort's number (no account). */
export interface Target {
  phone: string;
  userId: number | null;
}


/** The setting in force: the camera's own, or the service default. */
export function effective(own: number | null, fallback: number): number {
  return own ?? fallback;
}

/**
 * A fall is not over until someone has seen it. Each stored fall gets its
 * repeat SMS and its call as rows in alert_steps (in the notice's own
 * transaction); a timer fires the due ones. A step is claimed in the database
 * before it is sent, so each fires once, after a restart too; an
 * acknowledgement marks what is left skipped. The same timer runs the other
 * sweeps (`every`): silent cameras, pauses, quiet hours.
 */
export class Alerts {
  /** Web Push, when the wiring hands it over: the first step of a fall's chain, beside the SMS. */
  push: WebPush | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private nextTick: Promise<void> | null = null;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly jobs: ((now: number) => Promise<void>)[] = [];

  constructor(
    private readonly db: Database,
    private readonly stores: { steps: AlertStore; notices: NoticeStore; devices: DeviceStore; answers: AnswerStore },
    /** Where its news goes: phones, the other instances. */
    private readonly out: { gateway: SmsGateway; bus: Bus },
    private readonly base: { clock: Clock; config: Config; log: Logger },
    private readonly format: (ms: number) => string,
  ) {}

  /** Answers by phone are on (PROVIDER_CALLBACK_SECRET): contacts are kept, texts invite answers, the resident and last resort are called. */
  get answers(): boolean {
    return this.base.config.callbackSecret !== '';
  }

  /**
   * Call inside the transaction that stores the notice. `asking`: the resident is asked first; then the
   * resident's call is due at once and the family's first SMS, repeat and call wait `resident_seconds`
   * more (moved when the resident answers). `onCall`: the camera has a rota (device.oncall) and these
   * accounts are on call now: the first SMS and push go to them alone, everyone bound gets the SMS
   * `next_level_seconds` later (next-level), and the repeat and call wait that much more. A last resort
   * is due `last_resort_seconds` after the fall.
   */
  async schedule(tx: Tx, noticeId: number, device: DeviceRow, createdAt: number): Promise<{ asking: boolean; onCall: { id: number; phone: string }[] | null }> {
    const repeat = effective(device.alertRepeatSeconds, this.base.config.alertRepeatSeconds);
    const call = effective(device.alertCallSeconds, this.base.config.alertCallSeconds);
    const asking = this.answers && device.residentPhone !== null && (device.residentSeconds ?? 0) > 0;
    const lastResort = this.answers && device.lastResortPhone !== null && (device.lastResortSeconds ?? 0) > 0;
    const hold = asking ? device.residentSeconds! * 1000 : 0;
    // who is on call is decided when the family's first SMS goes: now, or (asked first) when that step fires
    const rota = rotaOf(device);
    const onCall = rota && !asking ? onCallAt(rota, zoneOf(device, this.base.config.noticeTimezone), createdAt, await this.stores.devices.boundUsers(tx, device.id)) : [];
    const level = (rota && asking) || onCall.length > 0 ? nextLevelOf(device) * 1000 : 0;
    const steps: { kind: StepKind; dueAt: number; phone: string | null }[] = [
      ...(repeat > 0 ? [{ kind: 'alert-repeat' as const, dueAt: createdAt + hold + level + repeat * 1000, phone: null }] : []),
      ...(call > 0 ? [{ kind: 'call' as const, dueAt: createdAt + hold + level + call * 1000, phone: null }] : []),
      ...(level > 0 ? [{ kind: 'next-level' as const, dueAt: createdAt + hold + level, phone: null }] : []),
    ];
    const result = { asking, onCall: onCall.length > 0 ? onCall : null };
    if (!asking && !lastResort && level === 0) {
      // one statement for both: it runs while notice inserts take turns
      if (steps.length === 2) await this.stores.steps.addPair(tx, noticeId, steps[0]!, steps[1]!);
      else if (steps.length === 1) await this.stores.steps.add(tx, noticeId, steps[0]!.kind, steps[0]!.dueAt);
      return result;
    }
    if (asking) {
      steps.push({ kind: 'resident-call', dueAt: createdAt, phone: device.residentPhone },
        { kind: 'resident-wait', dueAt: createdAt + hold, phone: null }, { kind: 'alert', dueAt: createdAt + hold, phone: null });
      await this.stores.answers.asking(tx, noticeId, createdAt);
    }
    if (lastResort) {
      const dueAt = createdAt + Math.max(hold, device.lastResortSeconds! * 1000);
      steps.push({ kind: 'last-resort', dueAt, phone: device.lastResortPhone }, { kind: 'last-resort-call', dueAt, phone: device.lastResortPhone });
    }
    await this.stores.steps.addAll(tx, noticeId, steps);
    return result;
  }

  /**
   * The resident's answer (a keypress, the call's end, or resident-wait): once. ok: the family's first SMS
   * goes now as alert-ok, and nothing after it; help: the family's SMS, repeat and call go now; no_answer:
   * the chain goes on from now as it would have from the fall. Every stream is told.
   */
  async residentAnswered(noticeId: number, answer: 'ok' | 'help' | 'no_answer', log: Logger = this.base.log): Promise<boolean> {
    const notice = await this.stores.notices.byId(this.db.read, noticeId);
    const device = notice && await this.stores.devices.byRowId(this.db.read, notice.deviceRowId);
    if (!notice || !device || notice.residentAnswer !== 'calling') return false;
    const now = this.base.clock.now();
    const { steps } = this.stores;
    const taken = await this.db.transaction(async (tx) => {
      if (!(await this.stores.answers.answered(tx, noticeId, answer, now))) return false;
      await steps.afterResident(tx, noticeId, answer, now, {
        repeat: effective(device.alertRepeatSeconds, this.base.config.alertRepeatSeconds), call: effective(device.alertCallSeconds, this.base.config.alertCallSeconds), nextLevel: nextLevelOf(device),
      });
      await this.out.bus.send(tx, { k: 'resident', notice: noticeId });
      return true;
    });
    if (!taken) return false;
    log.info('resident answered', { event_id: notice.eventId, answer });
    void this.tick();
    return true;
  }

  /** An acknowledgement stops whatever has not fired yet: call inside the transaction that records it. */
  async cancel(tx: Tx, noticeId: number, now: number): Promise<void> {
    await this.stores.steps.cancel(tx, noticeId, now);
  }

  /** One message to the provider: failure null when accepted (with the call's id for a call), else why not (a throw included). */
  private async attempt(message: SmsMessage): Promise<{ failure: string | null; callId: string | null }> {
    try {
      const r = await this.out.gateway.send(message);
      return r.ok ? { failure: null, callId: r.callId ?? null } : { failure: r.detail, callId: null };
    } catch (err) {
      return { failure: String((err as Error)?.message ?? err), callId: null };
    }
  }

  /**
   * The fall's first alerts to its family: Web Push to their browsers (when the server pushes), started
   * first, and the SMS burst beside it, so that a slow push service never holds the SMS back.
   */
  announce(fall: Fall, users: { id: number; phone: string }[], log: Logger = this.base.log): Promise<boolean> {
    const pushing = this.pushOnly(fall, users, log);
    const sms = this.deliver(fall, 'alert', users.map((u) => ({ phone: u.phone, userId: u.id })), 0, log);
    return Promise.all([pushing, sms]).then(([, all]) => all);
  }

  /** Web Push alone (while the resident is asked, the SMS waits as a step). */
  pushOnly(fall: Fall, users: { id: number }[], log: Logger = this.base.log): Promise<void> {
    const push = this.push;
    const started = this.base.clock.now();
    return push === null ? Promise.resolve() : this.track(push.deliver(fall, users.map((u) => u.id), log).then(async (o) => {
      if (o.total > 0) await this.db.transaction((tx) => this.stores.steps.recordPush(tx, fall.noticeId, started, o.sent, o.total));
    }).catch((err) => log.error('push not recorded', { event_id: fall.eventId, err })), undefined);
  }

  /**
   * Sends one kind of fall alert to each target; true when every one was accepted. A refusal is logged
   * with the event id and becomes a retry row (not for the resident's call: its failure is a no_answer);
   * none of it ever throws.
   */
  deliver(fall: Fall, kind: FallKind, targets: Target[], attempts = 0, log: Logger = this.base.log): Promise<boolean> {
    return this.track(this.send(fall, kind, targets, attempts, log), false);
  }

  private async send(fall: Fall, kind: FallKind, targets: Target[], attempts: number, log: Logger): Promise<boolean> {
    const invite = this.answers;
    const results = await Promise.all(targets.map(({ phone }) => this.attempt({ kind, phone, device: fall.device, eventId: fall.eventId, createtime: fall.createtime, invite })));
    const wait = this.base.config.alertRetrySeconds * 2 ** attempts;
    const failed = results.flatMap((r, i) => (r.failure === null ? [] : [{ phone: targets[i]!.phone, detail: r.failure }]));
    const sent = targets.length - failed.length;
    const retry = attempts < MAX_RETRIES && kind !== 'resident-call';
    const now = this.base.clock.now();
    const dueAt = now + wait * 1000;
    const role = roleOf(kind);
    const channel = isCall(kind) ? 'call' as const : 'sms' as const;
    await this.db.transaction(async (tx) => {
      if (retry) for (const { phone } of failed) await this.stores.steps.add(tx, fall.noticeId, kind, dueAt, phone, attempts + 1);
      await this.stores.notices.countSent(tx, fall.noticeId, sent);
      await this.stores.steps.record(tx, fall.noticeId, kind, now, sent, targets.length, attempts);
      // whom to believe when they answer
      if (invite) {
        await this.stores.answers.add(tx, results.flatMap((r, i) => (r.failure !== null ? [] : [{
          noticeId: fall.noticeId, role, channel, kind, phone: targets[i]!.phone, userId: targets[i]!.userId, callId: r.callId, sentAt: now,
        }])));
      }
    });
    // logged once the retries are in the database
    for (const { phone, detail } of failed) {
      const fields = { event_id: fall.eventId, kind, phone, attempt: attempts + 1, detail };
      if (retry) log.warn('fall alert not sent: retrying', { ...fields, retry_in_s: wait });
      else log.warn('fall alert not sent: giving up', fields);
    }
    const read = this.db.read;
    if (sent < targets.length && await this.stores.notices.alertsSent(read, fall.noticeId) === 0 && await this.stores.steps.pending(read, fall.noticeId) === 0) {
      log.error('fall alert: every alert failed, nobody was told', { event_id: fall.eventId, device: fall.device });
    }
    return sent === targets.length;
  }

  /**
   * Fires what is due and declares silent cameras offline. Ticks never overlap: called while one runs,
   * it resolves after the next one, which sees what fell due meanwhile.
   */
  tick(): Promise<void> {
    if (this.ticking) {
      this.nextTick ??= this.ticking.then(() => {
        this.nextTick = null;
        return this.tick();
      });
      return this.nextTick;
    }
    this.ticking = this.runTick().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
    void this.tick(); // a step that fell due while the server was down fires at start
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.nextTick;
    await this.ticking;
    await this.settled();
  }

  /** Resolves once every send in flight has written its outcome (its steps, counts and contacts). */
  async settled(): Promise<void> {
    await Promise.all([...this.inflight]);
  }

  private async runTick(): Promise<void> {
    try {
      const now = this.base.clock.now();
      for (const step of await this.stores.steps.due(this.db.read, now, BATCH)) await this.fire(step, now);
      // one sweep's failure does not hold the others back
      for (const job of this.jobs) await job(now).catch((err) => this.base.log.error('alert sweep failed', { err }));
    } catch (err) {
      this.base.log.error('alert tick failed', { err });
    }
  }

  /** More work for every tick (cameras gone silent, pauses that ran out, held messages), after the due steps. */
  every(job: (now: number) => Promise<void>): void {
    this.jobs.push(job);
  }

  private async fire(step: DueStep, now: number): Promise<void> {
    if (!(await this.db.transaction((tx) => this.stores.steps.claim(tx, step.id, now)))) return;
    if (step.kind === 'resident-wait') {
      await this.residentAnswered(step.noticeId, 'no_answer');
      return this.finish(step.id, 'sent');
    }
    const kind = step.kind;
    const setting = kind === 'alert-repeat' ? step.alertRepeatSeconds : kind === 'call' ? step.alertCallSeconds : null;
    const role = roleOf(kind);
    let targets: Target[];
    if (role === 'family') {
      const bound = (await this.stores.devices.boundUsers(this.db.read, step.deviceRowId)).map((u) => ({ phone: u.phone, userId: u.id }));
      targets = step.phone === null ? bound : bound.filter((u) => u.phone === step.phone);
      if (kind === 'alert' && step.phone === null) targets = await this.firstLevel(step, bound, now);
    } else {
      targets = [{ phone: step.phone!, userId: null }];
    }
    const resolved = role === 'last_resort' && step.residentAnswer === 'ok';
    if (step.ackAt !== null || setting === 0 || targets.length === 0 || resolved) {
      if (kind === 'resident-call') await this.residentAnswered(step.noticeId, 'no_answer');
      return this.finish(step.id, 'skipped');
    }
    this.base.log.info('fall alert escalated', { event_id: step.eventId, kind, phones: targets.length, attempt: step.attempts + 1 });
    const all = await this.deliver({ noticeId: step.noticeId, eventId: step.eventId, device: step.deviceName, createtime: this.format(step.createdAt) },
      kind, targets, step.attempts);
    // a resident we could not call cannot answer: the family is told at once
    if (kind === 'resident-call' && !all) await this.residentAnswered(step.noticeId, 'no_answer');
    await this.finish(step.id, all ? 'sent' : 'failed');
  }

  /**
   * The family's first SMS after the resident was asked: to whoever is on call now when the camera has a
   * rota; to everyone when it has none or nobody is on call (then the next level has nothing to add).
   */
  private async firstLevel(step: DueStep, bound: Target[], now: number): Promise<Target[]> {
    const rota = rotaOf(step);
    const onCall = rota ? onCallAt(rota, zoneOf(step, this.base.config.noticeTimezone), now, bound) : [];
    // (a rota set after the fall was stored has no next level yet: it gets one)
    if (onCall.length > 0) await this.db.transaction((tx) => this.stores.steps.ensure(tx, step.noticeId, 'next-level', now + nextLevelOf(step) * 1000));
    else if (rota) await this.db.transaction((tx) => this.stores.steps.skip(tx, step.noticeId, ['next-level'], now));
    return onCall.length > 0 ? onCall : bound;
  }

  /** The scheduled steps, the sends made, and whom they reached and how they answered, for a fall's timeline. */
  async timeline(noticeId: number) {
    const { steps, sends } = await this.stores.steps.timeline(this.db.read, noticeId);
    return { steps, sends, contacts: await this.stores.answers.ofNotice(this.db.read, noticeId) };
  }

  private finish(stepId: number, outcome: Outcome): Promise<void> {
    return this.db.transaction((tx) => this.stores.steps.finish(tx, stepId, outcome));
  }

  /** Work stop() waits for (sends in flight, liveness SMS), so that its outcome is written before the database closes. */
  track<T>(work: Promise<T>, onError: T): Promise<T> {
    const tracked = work.catch((err) => {
      this.base.log.error('alert bookkeeping failed', { err });
      return onError;
    });
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
    return tracked;
  }
}

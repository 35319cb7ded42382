import { and, asc, count, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { hot, run, type Database, type Q, type Tx } from './engine.js';

/**
 * A step's kind is the message it sends (gateway.ts's FallKind), or resident-wait: the end of the
 * resident's time to answer, which sends nothing. next-level: the SMS to everyone bound when the person
 * on call (device.oncall) did not acknowledge.
 */
export type StepKind = 'alert' | 'alert-repeat' | 'alert-ok' | 'next-level' | 'call' | 'resident-call' | 'resident-wait' | 'last-resort' | 'last-resort-call';
export type Outcome = 'sent' | 'failed' | 'skipped';

/** A due step with what firing it needs to know. */
export interface DueStep {
  id: number;
  noticeId: number;
  kind: StepKind;
  phone: string | null;
  attempts: number;
  eventId: string;
  createdAt: number;
  ackAt: number | null;
  residentAnswer: string | null;
  deviceRowId: number;
  deviceName: string;
  alertRepeatSeconds: number | null;
  alertCallSeconds: number | null;
  /** The camera's on-call order (null: everyone) and the time zone it is read in. */
  oncall: string | null;
  nextLevelSeconds: number | null;
  timeZone: string | null;
}

/** Pending escalation steps and retries of fall alerts (see schema-alerts.ts, alert_steps). */
export class AlertStore {
  constructor(private readonly db: Database) {}

  async add(tx: Tx, noticeId: number, kind: StepKind, dueAt: number, phone: string | null = null, attempts = 0): Promise<void> {
    const { alertSteps } = this.db.t;
    const p = (name: string) => sql.placeholder(name);
    await run(hot(tx, 'alert_steps_insert', (b) => b.insert(alertSteps).values({ noticeId: p('noticeId'), kind: p('kind'), phone: p('phone'), dueAt: p('dueAt'), attempts: p('attempts') })),
      { noticeId, kind, phone, dueAt, attempts });
  }

  /** Two first-time steps of a notice in one statement (a fall's repeat and call). */
  async addPair(tx: Tx, noticeId: number, a: { kind: StepKind; dueAt: number }, b: { kind: StepKind; dueAt: number }): Promise<void> {
    const { alertSteps } = this.db.t;
    const p = (name: string) => sql.placeholder(name);
    await run(hot(tx, 'alert_steps_insert_pair', (q) => q.insert(alertSteps).values([
      { noticeId: p('noticeId'), kind: p('kindA'), phone: null, dueAt: p('dueA'), attempts: 0 },
      { noticeId: p('noticeId'), kind: p('kindB'), phone: null, dueAt: p('dueB'), attempts: 0 },
    ])), { noticeId, kindA: a.kind, dueA: a.dueAt, kindB: b.kind, dueB: b.dueAt });
  }

  /** A fall's first steps when there are more than two (the resident asked first, a last resort). */
  async addAll(tx: Tx, noticeId: number, steps: { kind: StepKind; dueAt: number; phone: string | null }[]): Promise<void> {
    await tx.q.insert(this.db.t.alertSteps).values(steps.map((s) => ({ noticeId, kind: s.kind, phone: s.phone, dueAt: s.dueAt, attempts: 0 })));
  }

  /** Moves a fall's pending step of this kind (to every bound phone) to `dueAt`, as `as` when given. */
  async retime(tx: Tx, noticeId: number, kind: StepKind, dueAt: number, as: StepKind = kind): Promise<void> {
    const { alertSteps: s } = this.db.t;
    await tx.q.update(s).set({ dueAt, kind: as }).where(and(eq(s.noticeId, noticeId), eq(s.kind, kind), isNull(s.doneAt), isNull(s.phone)));
  }

  /** Adds a step of this kind to every bound phone unless the fall has one already (sent or not). */
  async ensure(tx: Tx, noticeId: number, kind: StepKind, dueAt: number): Promise<void> {
    const { alertSteps: s } = this.db.t;
    const [found] = await tx.q.select({ id: s.id }).from(s).where(and(eq(s.noticeId, noticeId), eq(s.kind, kind), isNull(s.phone))).limit(1);
    if (!found) await this.add(tx, noticeId, kind, dueAt);
  }

  /** Drops a fall's pending steps of these kinds (the resident said all right). */
  async skip(tx: Tx, noticeId: number, kinds: StepKind[], now: number): Promise<void> {
    const { alertSteps: s } = this.db.t;
    await tx.q.update(s).set({ doneAt: now, outcome: 'skipped' }).where(and(eq(s.noticeId, noticeId), inArray(s.kind, kinds), isNull(s.doneAt)));
  }

  /**
   * Moves the family's steps as the resident answered: ok, the first SMS now as alert-ok and nothing
   * after it; help, the SMS, the next level, repeat and call now; no_answer, from now as they would have
   * run from the fall (`delays` in seconds, 0 is off; `nextLevel` 0 without a rota).
   */
  async afterResident(tx: Tx, noticeId: number, answer: 'ok' | 'help' | 'no_answer', now: number, delays: { repeat: number; call: number; nextLevel: number }): Promise<void> {
    await this.skip(tx, noticeId, ['resident-wait'], now);
    if (answer === 'ok') {
      await this.retime(tx, noticeId, 'alert', now, 'alert-ok');
      await this.skip(tx, noticeId, ['next-level', 'alert-repeat', 'call', 'last-resort', 'last-resort-call'], now);
      return;
    }
    const after = (seconds: number) => (answer === 'help' ? now : now + (delays.nextLevel + seconds) * 1000);
    await this.retime(tx, noticeId, 'alert', now);
    await this.retime(tx, noticeId, 'next-level', after(0));
    await this.retime(tx, noticeId, 'alert-repeat', after(delays.repeat));
    await this.retime(tx, noticeId, 'call', after(delays.call));
  }

  async due(q: Q, now: number, limit: number): Promise<DueStep[]> {
    const { alertSteps, notices, devices } = this.db.t;
    return await q.q.select({
      id: alertSteps.id, noticeId: alertSteps.noticeId, kind: alertSteps.kind, phone: alertSteps.phone, attempts: alertSteps.attempts,
      eventId: notices.eventId, createdAt: notices.createdAt, ackAt: notices.ackAt, residentAnswer: notices.residentAnswer, deviceRowId: devices.id, deviceName: devices.name,
      alertRepeatSeconds: devices.alertRepeatSeconds, alertCallSeconds: devices.alertCallSeconds, oncall: devices.oncall, nextLevelSeconds: devices.nextLevelSeconds, timeZone: devices.timeZone,
    }).from(alertSteps).innerJoin(notices, eq(notices.id, alertSteps.noticeId)).innerJoin(devices, eq(devices.id, notices.deviceId))
      .where(and(isNull(alertSteps.doneAt), lte(alertSteps.dueAt, now))).orderBy(asc(alertSteps.dueAt)).limit(limit) as DueStep[];
  }

  /** Takes a due step for sending; false when another caller (instance, or run before a restart) took it. */
  async claim(tx: Tx, id: number, now: number): Promise<boolean> {
    const { alertSteps } = this.db.t;
    return this.db.affected(await tx.q.update(alertSteps).set({ doneAt: now }).where(and(eq(alertSteps.id, id), isNull(alertSteps.doneAt)))) === 1;
  }

  async finish(tx: Tx, id: number, outcome: Outcome): Promise<void> {
    const { alertSteps } = this.db.t;
    await tx.q.update(alertSteps).set({ outcome }).where(eq(alertSteps.id, id));
  }

  /** An acknowledgement stops whatever has not fired yet. */
  async cancel(tx: Tx, noticeId: number, now: number): Promise<number> {
    const { alertSteps } = this.db.t;
    return this.db.affected(await tx.q.update(alertSteps).set({ doneAt: now, outcome: 'skipped' })
      .where(and(eq(alertSteps.noticeId, noticeId), isNull(alertSteps.doneAt))));
  }

  async pending(q: Q, noticeId: number): Promise<number> {
    const { alertSteps } = this.db.t;
    const [found] = await q.q.select({ n: count() }).from(alertSteps).where(and(eq(alertSteps.noticeId, noticeId), isNull(alertSteps.doneAt)));
    return found!.n;
  }

  /** A send made for a fall: how many of its phones the provider accepted (in the transaction that counts them). */
  async record(tx: Tx, noticeId: number, kind: StepKind, at: number, sent: number, total: number, attempt: number): Promise<void> {
    const { noticeEvents } = this.db.t;
    const outcome = sent === total ? 'sent' : sent === 0 ? 'failed' : 'partial';
    await tx.q.insert(noticeEvents).values({ noticeId, kind: EVENT_KIND[kind], at, outcome, sent, total, attempt });
  }

  /** A fall's Web Push to its family's browsers (0 of 0 is not recorded: nobody had subscribed). */
  async recordPush(tx: Tx, noticeId: number, at: number, sent: number, total: number): Promise<void> {
    const { noticeEvents } = this.db.t;
    const outcome = sent === total ? 'sent' : sent === 0 ? 'failed' : 'partial';
    await tx.q.insert(noticeEvents).values({ noticeId, kind: 'pushed', at, outcome, sent, total, attempt: 0 });
  }

  /** A fall's escalation as its timeline shows it: the scheduled steps, and every send made, in order. */
  async timeline(q: Q, noticeId: number): Promise<{ steps: ScheduledStep[]; sends: SendEvent[] }> {
    const { alertSteps, noticeEvents } = this.db.t;
    const steps = await q.q.select({ kind: alertSteps.kind, dueAt: alertSteps.dueAt, doneAt: alertSteps.doneAt, outcome: alertSteps.outcome })
      .from(alertSteps).where(and(eq(alertSteps.noticeId, noticeId), isNull(alertSteps.phone))).orderBy(asc(alertSteps.dueAt));
    const sends = await q.q.select({ kind: noticeEvents.kind, at: noticeEvents.at, outcome: noticeEvents.outcome, sent: noticeEvents.sent, total: noticeEvents.total, attempt: noticeEvents.attempt })
      .from(noticeEvents).where(eq(noticeEvents.noticeId, noticeId)).orderBy(asc(noticeEvents.id));
    return { steps: steps as ScheduledStep[], sends };
  }
}

/** A step's name in a fall's timeline. */
export const EVENT_KIND: Record<StepKind, string> = {
  alert: 'sms', 'alert-repeat': 'sms-repeat', 'alert-ok': 'sms-ok', 'next-level': 'sms-next-level', call: 'call',
  'resident-call': 'resident-call', 'resident-wait': 'resident-wait', 'last-resort': 'last-resort-sms', 'last-resort-call': 'last-resort-call',
};

export interface ScheduledStep {
  kind: StepKind;
  dueAt: number;
  doneAt: number | null;
  outcome: Outcome | null;
}

export interface SendEvent {
  kind: string;
  at: number;
  outcome: string;
  sent: number;
  total: number;
  attempt: number;
}

import { and, asc, count, eq, isNull, lte, sql } from 'drizzle-orm';
import { hot, run, type Database, type Q, type Tx } from './engine.js';

export type StepKind = 'alert' | 'alert-repeat' | 'call';
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
  deviceRowId: number;
  deviceName: string;
  alertRepeatSeconds: number | null;
  alertCallSeconds: number | null;
}

/** Pending escalation steps and retries of fall alerts (see schema.ts, alert_steps). */
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

  async due(q: Q, now: number, limit: number): Promise<DueStep[]> {
    const { alertSteps, notices, devices } = this.db.t;
    return await q.q.select({
      id: alertSteps.id, noticeId: alertSteps.noticeId, kind: alertSteps.kind, phone: alertSteps.phone, attempts: alertSteps.attempts,
      eventId: notices.eventId, createdAt: notices.createdAt, ackAt: notices.ackAt, deviceRowId: devices.id, deviceName: devices.name,
      alertRepeatSeconds: devices.alertRepeatSeconds, alertCallSeconds: devices.alertCallSeconds,
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
const EVENT_KIND: Record<StepKind, string> = { alert: 'sms', 'alert-repeat': 'sms-repeat', call: 'call' };

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

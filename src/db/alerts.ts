import { and, asc, count, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { alertSteps, devices, notices } from './schema.js';

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
  private readonly insertStmt;

  constructor(private readonly db: Db) {
    const p = (name: string) => sql.placeholder(name);
    this.insertStmt = db.insert(alertSteps).values({ noticeId: p('noticeId'), kind: p('kind'), phone: p('phone'), dueAt: p('dueAt'), attempts: p('attempts') }).prepare();
  }

  add(noticeId: number, kind: StepKind, dueAt: number, phone: string | null = null, attempts = 0): void {
    this.insertStmt.run({ noticeId, kind, phone, dueAt, attempts });
  }

  due(now: number, limit: number): DueStep[] {
    return this.db.select({
      id: alertSteps.id, noticeId: alertSteps.noticeId, kind: alertSteps.kind, phone: alertSteps.phone, attempts: alertSteps.attempts,
      eventId: notices.eventId, createdAt: notices.createdAt, ackAt: notices.ackAt, deviceRowId: devices.id, deviceName: devices.name,
      alertRepeatSeconds: devices.alertRepeatSeconds, alertCallSeconds: devices.alertCallSeconds,
    }).from(alertSteps).innerJoin(notices, eq(notices.id, alertSteps.noticeId)).innerJoin(devices, eq(devices.id, notices.deviceId))
      .where(and(isNull(alertSteps.doneAt), lte(alertSteps.dueAt, now))).orderBy(asc(alertSteps.dueAt)).limit(limit).all() as DueStep[];
  }

  /** Takes a due step for sending; false when another caller (instance, or run before a restart) took it. */
  claim(id: number, now: number): boolean {
    return this.db.update(alertSteps).set({ doneAt: now }).where(and(eq(alertSteps.id, id), isNull(alertSteps.doneAt))).run().changes === 1;
  }

  finish(id: number, outcome: Outcome): void {
    this.db.update(alertSteps).set({ outcome }).where(eq(alertSteps.id, id)).run();
  }

  /** An acknowledgement stops whatever has not fired yet. */
  cancel(noticeId: number, now: number): number {
    return this.db.update(alertSteps).set({ doneAt: now, outcome: 'skipped' })
      .where(and(eq(alertSteps.noticeId, noticeId), isNull(alertSteps.doneAt))).run().changes;
  }

  pending(noticeId: number): number {
    return this.db.select({ n: count() }).from(alertSteps).where(and(eq(alertSteps.noticeId, noticeId), isNull(alertSteps.doneAt))).get()!.n;
  }
}

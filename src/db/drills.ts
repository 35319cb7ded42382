import { and, desc, eq, gte, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

export type DrillChannel = 'push' | 'sms' | 'call';

/** A drill's check as the reach table reads it. */
export interface CheckRow {
  userId: number;
  channel: DrillChannel;
  sentAt: number;
  outcome: string;
  provedAt: number | null;
}

/** Drills (drill_checks, devices.last_drill_at): what was sent to whom, and what came back. */
export class DrillStore {
  constructor(private readonly db: Database) {}

  async add(tx: Tx, rows: { deviceId: number; userId: number; channel: DrillChannel; proof: string | null; sentAt: number; outcome: string }[]): Promise<void> {
    if (rows.length) await tx.q.insert(this.db.t.drillChecks).values(rows);
  }

  /** Proves the unproved check whose proof this is, sent since `since`; the account it was for, or null. */
  async prove(tx: Tx, channel: DrillChannel, proof: string, since: number, now: number): Promise<number | null> {
    const { drillChecks: d } = this.db.t;
    const [row] = await tx.q.update(d).set({ provedAt: now })
      .where(and(eq(d.proof, proof), eq(d.channel, channel), isNull(d.provedAt), gte(d.sentAt, since))).returning({ userId: d.userId });
    return row?.userId ?? null;
  }

  /** Proves the newest unproved drill SMS sent to this account since `since`; false when there is none. */
  async proveSms(tx: Tx, userId: number, since: number, now: number): Promise<boolean> {
    const { drillChecks: d } = this.db.t;
    const [newest] = await tx.q.select({ id: d.id }).from(d)
      .where(and(eq(d.userId, userId), eq(d.channel, 'sms'), eq(d.outcome, 'sent'), isNull(d.provedAt), gte(d.sentAt, since))).orderBy(desc(d.id)).limit(1);
    if (!newest) return false;
    return this.db.affected(await tx.q.update(d).set({ provedAt: now }).where(and(eq(d.id, newest.id), isNull(d.provedAt)))) === 1;
  }

  /** Every check of a camera's drills, newest first (the reach table keeps the newest of each account and channel). */
  async checks(q: Q, deviceRowId: number): Promise<CheckRow[]> {
    const { drillChecks: d } = this.db.t;
    return await q.q.select({ userId: d.userId, channel: d.channel, sentAt: d.sentAt, outcome: d.outcome, provedAt: d.provedAt })
      .from(d).where(eq(d.deviceId, deviceRowId)).orderBy(desc(d.id)).limit(500) as CheckRow[];
  }

  /** Cameras due a scheduled drill: none since `before`, with at least one account bound. */
  async due(q: Q, before: number, limit: number): Promise<{ id: number; lastDrillAt: number | null }[]> {
    const { devices, bindings } = this.db.t;
    return q.q.select({ id: devices.id, lastDrillAt: devices.lastDrillAt }).from(devices)
      .where(and(or(isNull(devices.lastDrillAt), lt(devices.lastDrillAt, before)), sql`exists (select 1 from ${bindings} where ${bindings.deviceId} = ${devices.id})`)).limit(limit);
  }

  /** Takes a camera's drill (scheduled or asked for): false when another caller took it since `seen`. */
  async claim(tx: Tx, deviceRowId: number, seen: number | null, now: number): Promise<boolean> {
    const { devices } = this.db.t;
    const same = seen === null ? isNull(devices.lastDrillAt) : eq(devices.lastDrillAt, seen);
    return this.db.affected(await tx.q.update(devices).set({ lastDrillAt: now }).where(and(eq(devices.id, deviceRowId), same))) === 1;
  }

  /** A drill asked for by an account: the camera's time of last drill, unconditionally. */
  async touch(tx: Tx, deviceRowId: number, now: number): Promise<void> {
    const { devices } = this.db.t;
    await tx.q.update(devices).set({ lastDrillAt: now }).where(eq(devices.id, deviceRowId));
  }
}

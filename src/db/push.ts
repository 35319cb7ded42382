import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

export interface PushSubscriptionRow {
  id: number;
  userId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** An account keeps at most this many browsers subscribed: the oldest goes first. */
export const MAX_SUBSCRIPTIONS_PER_USER = 10;

export class PushStore {
  constructor(private readonly db: Database) {}

  /** Subscribes (a browser that subscribes again, or moves to another account, keeps one row). */
  async put(tx: Tx, userId: number, sub: { endpoint: string; p256dh: string; auth: string }, now: number): Promise<void> {
    const { pushSubscriptions: p } = this.db.t;
    await tx.q.delete(p).where(eq(p.endpoint, sub.endpoint));
    await tx.q.insert(p).values({ userId, ...sub, createdAt: now });
    const kept = await tx.q.select({ id: p.id }).from(p).where(eq(p.userId, userId)).orderBy(asc(p.createdAt), asc(p.id));
    const extra = kept.slice(0, Math.max(0, kept.length - MAX_SUBSCRIPTIONS_PER_USER)).map((r) => r.id);
    if (extra.length) await tx.q.delete(p).where(inArray(p.id, extra));
  }

  async remove(tx: Tx, userId: number, endpoint: string): Promise<boolean> {
    const { pushSubscriptions: p } = this.db.t;
    return this.db.affected(await tx.q.delete(p).where(and(eq(p.userId, userId), eq(p.endpoint, endpoint)))) > 0;
  }

  /** The push service said this subscription is gone (404, 410). */
  async drop(tx: Tx, ids: number[]): Promise<void> {
    const { pushSubscriptions: p } = this.db.t;
    if (ids.length) await tx.q.delete(p).where(inArray(p.id, ids));
  }

  async forUsers(q: Q, userIds: number[]): Promise<PushSubscriptionRow[]> {
    const { pushSubscriptions: p } = this.db.t;
    if (userIds.length === 0) return [];
    return q.q.select({ id: p.id, userId: p.userId, endpoint: p.endpoint, p256dh: p.p256dh, auth: p.auth }).from(p).where(inArray(p.userId, userIds));
  }

  async count(q: Q, userId: number): Promise<number> {
    const { pushSubscriptions: p } = this.db.t;
    const [row] = await q.q.select({ n: sql<number>`count(*)` }).from(p).where(eq(p.userId, userId));
    return Number(row?.n ?? 0);
  }
}

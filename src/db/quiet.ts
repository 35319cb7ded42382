import { and, count, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

/** An account's quiet hours: minutes after local midnight; `from` after `to` spans midnight. */
export interface QuietHours {
  from: number;
  to: number;
}

/** Quiet hours per account (users.quiet_from/quiet_to) and the SMS held in them (held_messages). */
export class QuietStore {
  constructor(private readonly db: Database) {}

  async set(tx: Tx, userId: number, hours: QuietHours | null): Promise<void> {
    const { users } = this.db.t;
    await tx.q.update(users).set({ quietFrom: hours?.from ?? null, quietTo: hours?.to ?? null }).where(eq(users.id, userId));
  }

  /** The quiet hours of those of these accounts that have them. */
  async of(q: Q, userIds: number[]): Promise<Map<number, QuietHours>> {
    if (userIds.length === 0) return new Map();
    const { users } = this.db.t;
    const rows = await q.q.select({ id: users.id, from: users.quietFrom, to: users.quietTo }).from(users)
      .where(and(inArray(users.id, userIds), isNotNull(users.quietFrom)));
    return new Map(rows.map((r) => [r.id, { from: r.from!, to: r.to! }]));
  }

  async hold(tx: Tx, userId: number, body: string, now: number): Promise<void> {
    await tx.q.insert(this.db.t.heldMessages).values({ userId, body, heldAt: now });
  }

  /** Accounts with messages held, their phone and quiet hours (null once they were switched off). */
  async holding(q: Q, limit: number): Promise<{ id: number; phone: string; hours: QuietHours | null }[]> {
    const { users, heldMessages: h } = this.db.t;
    const ids = q.q.selectDistinct({ id: h.userId }).from(h).limit(limit);
    const rows = await q.q.select({ id: users.id, phone: users.phone, from: users.quietFrom, to: users.quietTo }).from(users).where(inArray(users.id, ids));
    return rows.map((r) => ({ id: r.id, phone: r.phone, hours: r.from === null ? null : { from: r.from, to: r.to! } }));
  }

  /** Takes an account's held messages, oldest first: the one caller that removes them sends the summary. */
  async take(tx: Tx, userId: number): Promise<string[]> {
    const { heldMessages: h } = this.db.t;
    const rows = await tx.q.delete(h).where(eq(h.userId, userId)).returning({ id: h.id, body: h.body });
    return rows.sort((a, b) => a.id - b.id).map((r) => r.body);
  }

  /** How many are held for the account (account.quiet's answer). */
  async count(q: Q, userId: number): Promise<number> {
    const { heldMessages: h } = this.db.t;
    const [row] = await q.q.select({ n: count() }).from(h).where(eq(h.userId, userId));
    return Number(row?.n ?? 0);
  }
}

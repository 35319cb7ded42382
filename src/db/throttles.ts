import { and, eq, lte, sql } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

/** Limit windows in the database: one row per (limit, key), shared by every instance. */
export class ThrottleStore {
  constructor(private readonly db: Database) {}

  /** The key's window, if it has one. */
  async window(q: Q, name: string, key: string): Promise<{ count: number; startedAt: number } | undefined> {
    const { throttles } = this.db.t;
    const [row] = await q.q.select({ count: throttles.count, startedAt: throttles.startedAt }).from(throttles)
      .where(and(eq(throttles.name, name), eq(throttles.key, key)));
    return row;
  }

  /** Counts one event: a window that began before `cutoff` starts again at `now`. One statement, so instances never lose a count. */
  async hit(tx: Tx, name: string, key: string, now: number, cutoff: number): Promise<void> {
    const { throttles } = this.db.t;
    const stale = sql`${throttles.startedAt} <= ${cutoff}`;
    await tx.q.insert(throttles).values({ name, key, count: 1, startedAt: now }).onConflictDoUpdate({
      target: [throttles.name, throttles.key],
      set: {
        count: sql`case when ${stale} then 1 else ${throttles.count} + 1 end`,
        startedAt: sql`case when ${stale} then ${now} else ${throttles.startedAt} end`,
      },
    });
  }

  async reset(tx: Tx, name: string, key: string): Promise<void> {
    const { throttles } = this.db.t;
    await tx.q.delete(throttles).where(and(eq(throttles.name, name), eq(throttles.key, key)));
  }

  /** Drops windows that began before `cutoff` (the longest window has passed for them). */
  async sweep(tx: Tx, cutoff: number): Promise<number> {
    const { throttles } = this.db.t;
    return this.db.affected(await tx.q.delete(throttles).where(lte(throttles.startedAt, cutoff)));
  }
}

import { eq } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

/** Which portrait file is an account's (the file is named by its etag). */
export class PortraitStore {
  constructor(private readonly db: Database) {}

  async etag(q: Q, userId: number): Promise<string | undefined> {
    const { portraits } = this.db.t;
    return (await q.q.select({ etag: portraits.etag }).from(portraits).where(eq(portraits.userId, userId)))[0]?.etag;
  }

  async put(tx: Tx, userId: number, etag: string, bytes: number, now: number): Promise<void> {
    const { portraits } = this.db.t;
    await tx.q.insert(portraits).values({ userId, etag, bytes, updatedAt: now })
      .onConflictDoUpdate({ target: portraits.userId, set: { etag, bytes, updatedAt: now } });
  }

  async delete(tx: Tx, userId: number): Promise<void> {
    const { portraits } = this.db.t;
    await tx.q.delete(portraits).where(eq(portraits.userId, userId));
  }

  async all(q: Q): Promise<{ userId: number; etag: string }[]> {
    const { portraits } = this.db.t;
    return q.q.select({ userId: portraits.userId, etag: portraits.etag }).from(portraits);
  }
}

import { and, asc, count, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

export type CodeRow = Database['t']['smsCodes']['$inferSelect'];

/** Every SMS code sent: the codes, and the log that the sending limits count. */
export class CodeStore {
  constructor(private readonly db: Database) {}

  async insert(tx: Tx, row: { phone: string; purpose: number; ip: string; hash: string; createdAt: number; expiresAt: number }): Promise<void> {
    await tx.q.insert(this.db.t.smsCodes).values(row);
  }

  /** The phone's unused codes sent after `since` (for one purpose, or all), newest first. */
  async unused(q: Q, phone: string, purpose: number | undefined, since: number): Promise<CodeRow[]> {
    const { smsCodes } = this.db.t;
    return q.q.select().from(smsCodes)
      .where(and(eq(smsCodes.phone, phone), purpose === undefined ? undefined : eq(smsCodes.purpose, purpose),
        isNull(smsCodes.consumedAt), gt(smsCodes.createdAt, since)))
      .orderBy(desc(smsCodes.createdAt));
  }

  /** A wrong hash costs each of these codes one try. */
  async addTry(tx: Tx, ids: number[]): Promise<void> {
    const { smsCodes } = this.db.t;
    if (ids.length) await tx.q.update(smsCodes).set({ tries: sql`${smsCodes.tries} + 1` }).where(inArray(smsCodes.id, ids));
  }

  /** false if a concurrent request used it first. */
  async consume(tx: Tx, codeId: number, now: number): Promise<boolean> {
    const { smsCodes } = this.db.t;
    return this.db.affected(await tx.q.update(smsCodes).set({ consumedAt: now })
      .where(and(eq(smsCodes.id, codeId), isNull(smsCodes.consumedAt)))) === 1;
  }

  /** The newest unused code with this hash, of any phone. */
  async byHash(q: Q, hash: string): Promise<CodeRow | undefined> {
    const { smsCodes } = this.db.t;
    return (await q.q.select().from(smsCodes)
      .where(and(eq(smsCodes.hash, hash), isNull(smsCodes.consumedAt)))
      .orderBy(desc(smsCodes.createdAt)).limit(1))[0];
  }

  async deleteBefore(tx: Tx, before: number): Promise<number> {
    const { smsCodes } = this.db.t;
    return this.db.affected(await tx.q.delete(smsCodes).where(lt(smsCodes.createdAt, before)));
  }

  /** When the phone was last sent a code. */
  async lastSent(q: Q, phone: string): Promise<number | undefined> {
    const { smsCodes } = this.db.t;
    return (await q.q.select({ at: smsCodes.createdAt }).from(smsCodes).where(eq(smsCodes.phone, phone))
      .orderBy(desc(smsCodes.createdAt)).limit(1))[0]?.at;
  }

  /** How many codes went to the phone (or from the address) after `since`. */
  async sentSince(q: Q, by: 'phone' | 'ip', key: string, since: number): Promise<number> {
    const [{ n }] = await q.q.select({ n: count() }).from(this.db.t.smsCodes).where(this.window(by, key, since)) as [{ n: number }];
    return n;
  }

  /** When the `nth` oldest of those went. */
  async nthSentSince(q: Q, by: 'phone' | 'ip', key: string, since: number, nth: number): Promise<number | undefined> {
    const { smsCodes } = this.db.t;
    const oldest = await q.q.select({ at: smsCodes.createdAt }).from(smsCodes).where(this.window(by, key, since)).orderBy(asc(smsCodes.createdAt)).limit(nth);
    return oldest[nth - 1]?.at;
  }

  private window(by: 'phone' | 'ip', key: string, since: number) {
    const { smsCodes } = this.db.t;
    return and(eq(by === 'phone' ? smsCodes.phone : smsCodes.ip, key), gt(smsCodes.createdAt, since));
  }
}

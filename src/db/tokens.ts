import { and, desc, eq, isNull, lt, lte, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { hot, run, type Database, type Q, type Tx } from './engine.js';

export interface TokenRow {
  id: number;
  userId: number;
  enduring: boolean;
  expiresAt: number | null;
  lastUsedAt: number;
}

export type FullTokenRow = Database['t']['tokens']['$inferSelect'];

export type NewToken = Omit<FullTokenRow, 'id'>;

/** Login tokens (stored as sha256). Every delete returns the hashes it removed, for the caller's cache. */
export class TokenStore {
  constructor(private readonly db: Database) {}

  async byHash(q: Q, hash: string): Promise<TokenRow | undefined> {
    const { tokens } = this.db.t;
    const [row] = await run<TokenRow[]>(hot(q, 'tokens_by_hash', (b) => b.select({
      id: tokens.id, userId: tokens.userId, enduring: tokens.enduring, expiresAt: tokens.expiresAt, lastUsedAt: tokens.lastUsedAt,
    }).from(tokens).where(eq(tokens.tokenHash, sql.placeholder('hash')))), { hash });
    return row;
  }

  async insert(tx: Tx, row: NewToken): Promise<void> {
    await tx.q.insert(this.db.t.tokens).values(row);
  }

  /** The account's tokens, newest first. */
  async forUser(q: Q, userId: number): Promise<FullTokenRow[]> {
    const { tokens } = this.db.t;
    return q.q.select().from(tokens).where(eq(tokens.userId, userId)).orderBy(desc(tokens.createdAt), desc(tokens.id));
  }

  /** Keeps the account's newest `keep` tokens. */
  async trim(tx: Tx, userId: number, keep: number): Promise<string[]> {
    const { tokens } = this.db.t;
    const kept = (await tx.q.select({ id: tokens.id }).from(tokens).where(eq(tokens.userId, userId))
      .orderBy(desc(tokens.createdAt), desc(tokens.id)).limit(keep)).map((r) => r.id);
    return this.deleteWhere(tx, and(eq(tokens.userId, userId), notInArray(tokens.id, kept)));
  }

  /** Tokens dead for sure at `now`: enduring ones past their end, idle ones unused since `idleBefore`. One account's, or all. */
  async deleteDead(tx: Tx, now: number, idleBefore: number, userId?: number): Promise<string[]> {
    const { tokens } = this.db.t;
    const dead = or(
      and(eq(tokens.enduring, true), lte(tokens.expiresAt, now)),
      and(eq(tokens.enduring, false), isNull(tokens.expiresAt), lte(tokens.lastUsedAt, idleBefore)),
    );
    return this.deleteWhere(tx, userId === undefined ? dead : and(eq(tokens.userId, userId), dead));
  }

  /** One token (of that account, when given). */
  async deleteOne(tx: Tx, tokenId: number, userId?: number): Promise<string[]> {
    const { tokens } = this.db.t;
    return this.deleteWhere(tx, userId === undefined ? eq(tokens.id, tokenId) : and(eq(tokens.id, tokenId), eq(tokens.userId, userId)));
  }

  /** Every token of the account but `keepTokenId`. */
  async deleteForUser(tx: Tx, userId: number, keepTokenId?: number): Promise<string[]> {
    const { tokens } = this.db.t;
    return this.deleteWhere(tx, keepTokenId === undefined ? eq(tokens.userId, userId) : and(eq(tokens.userId, userId), ne(tokens.id, keepTokenId)));
  }

  /** Writes idle clocks. */
  async touch(tx: Tx, clocks: { id: number; lastUsedAt: number }[]): Promise<void> {
    const { tokens } = this.db.t;
    for (const c of clocks) {
      // never backwards: another instance may have written a later use
      await run(hot(tx, 'tokens_touch', (b) => b.update(tokens).set({ lastUsedAt: sql`${sql.placeholder('at')}` })
        .where(and(eq(tokens.id, sql.placeholder('id')), lt(tokens.lastUsedAt, sql.placeholder('at'))))), { at: c.lastUsedAt, id: c.id });
    }
  }

  private async deleteWhere(tx: Tx, cond: SQL | undefined): Promise<string[]> {
    const { tokens } = this.db.t;
    return (await tx.q.delete(tokens).where(cond).returning({ hash: tokens.tokenHash })).map((g) => g.hash);
  }
}

import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database, Tx } from './engine.js';

/** One-use pairing codes (stored as sha256). */
export class PairingStore {
  constructor(private readonly db: Database) {}

  async insert(tx: Tx, row: { codeHash: string; userId: number; createdAt: number; expiresAt: number }): Promise<void> {
    await tx.q.insert(this.db.t.pairingCodes).values(row);
  }

  /** Uses the code up if it is live: the account that asked for it, or null. */
  async take(tx: Tx, codeHash: string, now: number): Promise<number | null> {
    const { pairingCodes } = this.db.t;
    const [row] = await tx.q.update(pairingCodes).set({ usedAt: now })
      .where(and(eq(pairingCodes.codeHash, codeHash), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, now)))
      .returning({ userId: pairingCodes.userId });
    return row?.userId ?? null;
  }
}

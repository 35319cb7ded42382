import type { Database, Tx } from '../../db/engine.js';
import type { UserStore } from '../../db/users.js';
import type { Portraits } from '../media/index.js';
import type { TokenService } from './tokens.js';

/** An account's data exports, as deletion removes them. */
export interface AccountExports {
  idsOf(userId: number): Promise<string[]>;
  removeFile(id: string): Promise<void>;
}

/**
 * Removes an account: its tokens, bindings, read marks, terminals, push
 * subscriptions, exports and portrait row go with it in one transaction
 * (foreign keys cascade), the portrait and export files after the commit. Its
 * devices and their notices stay, and so do its audit entries (masked). `guard`
 * runs inside the transaction (to use up a code, to write the audit entry);
 * false leaves everything as it was.
 */
export async function deleteAccount(
  s: { db: Database; tokens: TokenService; users: UserStore; portraits: Portraits; exports: AccountExports },
  userId: number,
  guard: (tx: Tx) => Promise<boolean> = async () => true,
): Promise<boolean> {
  const portrait = await s.portraits.etagOf(userId);
  const exports = await s.exports.idsOf(userId);
  const done = await s.db.transaction<boolean>(async (tx, abort) => {
    if (!(await guard(tx))) abort(false);
    await s.tokens.revokeUser(tx, userId);
    await s.users.delete(tx, userId);
    return true;
  });
  if (done) {
    await s.portraits.remove(userId, portrait);
    for (const id of exports) await s.exports.removeFile(id);
  }
  return done;
}

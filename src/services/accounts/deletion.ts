import type { Database, Tx } from '../../db/engine.js';
import type { UserStore } from '../../db/users.js';
import type { Portraits } from '../media/index.js';
import type { TokenService } from './tokens.js';

/**
 * Removes an account: its tokens, bindings, read marks, terminals and portrait
 * row go with it in one transaction (foreign keys cascade), the portrait file
 * after the commit. Its devices and their notices stay. `guard` runs inside
 * the transaction (to use up a code); false leaves everything as it was.
 */
export async function deleteAccount(
  s: { db: Database; tokens: TokenService; users: UserStore; portraits: Portraits },
  userId: number,
  guard: (tx: Tx) => Promise<boolean> = async () => true,
): Promise<boolean> {
  const portrait = await s.portraits.etagOf(userId);
  const done = await s.db.transaction<boolean>(async (tx, abort) => {
    if (!(await guard(tx))) abort(false);
    await s.tokens.revokeUser(tx, userId);
    await s.users.delete(tx, userId);
    return true;
  });
  if (done) await s.portraits.remove(userId, portrait);
  return done;
}

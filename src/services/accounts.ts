import { atomically } from '../db/client.js';
import type { Services } from './index.js';

/**
 * Removes an account: its tokens, bindings, read marks, terminals and portrait
 * row go with it in one transaction (foreign keys cascade), the portrait file
 * after the commit. Its devices and their notices stay. `guard` runs inside
 * the transaction (to use up a code); false leaves everything as it was.
 */
export async function deleteAccount(
  s: Pick<Services, 'db' | 'tokens' | 'users' | 'portraits'>,
  userId: number,
  guard: () => boolean = () => true,
): Promise<boolean> {
  const portrait = s.portraits.etagOf(userId);
  const done = atomically<boolean>(s.db, (abort) => {
    if (!guard()) abort(false);
    s.tokens.revokeUser(userId);
    s.users.delete(userId);
    return true;
  });
  if (done) await s.portraits.remove(userId, portrait);
  return done;
}

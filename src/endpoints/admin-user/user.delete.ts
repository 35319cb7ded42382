import { atomically } from '../../db/client.js';
import { handler } from './statuses.js';

/** The account's tokens go with it (foreign keys cascade). */
export default handler<{ phone: string }>({
  type: 'user', subtype: 'delete', auth: 'admin', success: 'Successful',
  run({ phone }, { db, users, tokens, ok, fail }) {
    const user = users.byPhone(phone);
    if (!user) return fail('USER_NOT_FOUND');
    return atomically(db, () => {
      tokens.revokeUser(user.id);
      users.delete(user.id);
      return ok();
    });
  },
});

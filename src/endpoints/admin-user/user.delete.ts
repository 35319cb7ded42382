import { atomically } from '../../db/client.js';
import { handler } from './statuses.js';

/** Tokens, bindings and read marks go with the row (foreign keys cascade); the portrait file after it. Notices stay with their device. */
export default handler<{ phone: string }>({
  type: 'user', subtype: 'delete', auth: 'admin', success: 'Successful',
  async run({ phone }, { db, users, tokens, portraits, ok, fail }) {
    const user = users.byPhone(phone);
    if (!user) return fail('USER_NOT_FOUND');
    const portrait = portraits.etagOf(user.id);
    atomically(db, () => {
      tokens.revokeUser(user.id);
      users.delete(user.id);
    });
    await portraits.remove(user.id, portrait);
    return ok();
  },
});

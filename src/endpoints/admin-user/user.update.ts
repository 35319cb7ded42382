import { profileChange, type ProfileChange } from '../../db/users.js';
import { handler } from './statuses.js';

export default handler<ProfileChange & { phone: string }>({
  type: 'user', subtype: 'update', auth: 'admin', success: 'Successful',
  async run(data, { db, users, audit, read, clock, user, ip, requestId, ok, fail }) {
    const target = await users.byPhone(read, data.phone);
    if (!target) return fail('USER_NOT_FOUND');
    const change = profileChange(data);
    await db.transaction(async (tx) => {
      await users.update(tx, target.id, change, clock.now());
      await audit.record(tx, { user, ip, requestId }, 'admin.update', { user: target }, { changed: Object.keys(change) });
    });
    return ok();
  },
});

import { profileChange, type ProfileChange } from '../../db/users.js';
import { handler } from './statuses.js';

export default handler<ProfileChange & { phone: string }>({
  type: 'user', subtype: 'update', auth: 'admin', success: 'Successful',
  async run(data, { db, users, read, clock, ok, fail }) {
    const user = await users.byPhone(read, data.phone);
    if (!user) return fail('USER_NOT_FOUND');
    await db.transaction((tx) => users.update(tx, user.id, profileChange(data), clock.now()));
    return ok();
  },
});

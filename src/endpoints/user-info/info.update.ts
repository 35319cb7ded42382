import { profileChange, type ProfileChange } from '../../db/users.js';
import { handler } from './statuses.js';

/** Legacy let anyone edit anyone; here `phone` must be the caller's own, and only admins set `level`. */
export default handler<ProfileChange & { phone: string }>({
  type: 'info', subtype: 'update', auth: 'user', success: 'Successful',
  async run(data, { db, user, users, clock, ok, fail }) {
    if (data.phone !== user!.phone) return fail('NO_PERMISSION');
    if (data.level !== undefined && user!.role !== 'admin') return fail('NO_PERMISSION');
    await db.transaction((tx) => users.update(tx, user!.id, profileChange(data), clock.now()));
    return ok();
  },
});

import { profileChange, type ProfileChange } from '../../db/users.js';
import { handler } from './statuses.js';

export default handler<ProfileChange & { phone: string }>({
  type: 'user', subtype: 'update', auth: 'admin', success: 'Successful',
  run(data, { users, clock, ok, fail }) {
    const user = users.byPhone(data.phone);
    if (!user) return fail('USER_NOT_FOUND');
    users.update(user.id, profileChange(data), clock.now());
    return ok();
  },
});

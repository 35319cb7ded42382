import { handler } from './statuses.js';

export default handler<{ phone: string }>({
  type: 'user', subtype: 'info', auth: 'admin', success: 'Successful',
  run({ phone }, { users, ok, fail }) {
    const user = users.byPhone(phone);
    return user ? ok(users.profile(user.id)) : fail('USER_NOT_FOUND');
  },
});

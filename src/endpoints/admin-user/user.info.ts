import { handler } from './statuses.js';

export default handler<{ phone: string }>({
  type: 'user', subtype: 'info', auth: 'admin', success: 'Successful',
  async run({ phone }, { users, read, ok, fail }) {
    const user = await users.byPhone(read, phone);
    return user ? ok(await users.profile(read, user.id)) : fail('USER_NOT_FOUND');
  },
});

import { handler } from './statuses.js';

export default handler<{ user_id: string }>({
  type: 'info', subtype: 'nickname', auth: 'user', success: 'Successful',
  async run({ user_id }, { users, read, ok, fail }) {
    const user = await users.byPhone(read, user_id);
    return user ? ok({ nickname: user.nickname }) : fail('USER_NOT_FOUND');
  },
});

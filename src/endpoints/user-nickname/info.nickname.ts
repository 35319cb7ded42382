import { handler } from './statuses.js';

export default handler<{ user_id: string }>({
  type: 'info', subtype: 'nickname', auth: 'user', success: 'Successful',
  run({ user_id }, { users, ok, fail }) {
    const user = users.byPhone(user_id);
    return user ? ok({ nickname: user.nickname }) : fail('USER_NOT_FOUND');
  },
});

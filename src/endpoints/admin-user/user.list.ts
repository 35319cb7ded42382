import { handler } from './statuses.js';

export default handler({
  type: 'user', subtype: 'list', auth: 'admin', success: 'successful',
  run: (_data, { users, ok }) => ok(users.list()),
});

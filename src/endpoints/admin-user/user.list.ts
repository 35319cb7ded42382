import { handler } from './statuses.js';

export default handler({
  type: 'user', subtype: 'list', auth: 'admin', success: 'successful',
  run: async (_data, { users, read, ok }) => ok(await users.list(read)),
});

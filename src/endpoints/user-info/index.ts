import { endpoint } from '../../envelope/define.js';
import infoUpdate from './info.update.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/user/info', schemas: 'user-info', token: 'user', local: LOCAL, handlers: [infoUpdate],
  get: {
    badToken: 'TOKEN_ERROR',
    success: 'Successful',
    run: async ({ user, users, read, ok }) => ok(await users.profile(read, user.id)),
  },
});

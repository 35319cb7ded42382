import { endpoint } from '../../envelope/define.js';

/** Heartbeat: authenticating the token is what restarts its idle clock. */
export default endpoint({
  path: '/user/doki', schemas: 'user-doki', token: 'user', handlers: [],
  local: { TOKEN_NOT_EXISTED: [1, 'Token not existed'] },
  get: { badToken: 'TOKEN_NOT_EXISTED', success: 'Successful', run: ({ ok }) => ok() },
});

import { endpoint } from '../../envelope/define.js';
import passwordChange from './password.change.js';
import passwordForget from './password.forget.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/user/password', schemas: 'user-password', token: 'none', local: LOCAL,
  handlers: [passwordForget, passwordChange],
});

import { endpoint } from '../../envelope/define.js';
import registerPhone from './register.phone.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/user/register', schemas: 'user-register', token: 'none', local: LOCAL, handlers: [registerPhone],
});

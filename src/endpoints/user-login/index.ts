import { endpoint } from '../../envelope/define.js';
import loginPass from './login.pass.js';
import loginSms from './login.sms.js';
import loginWechat from './login.wechat.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/user/login', schemas: 'user-login', token: 'none', local: LOCAL, handlers: [loginPass, loginSms, loginWechat],
});

import { endpoint } from '../../envelope/define.js';
import sessionList from './session.list.js';
import sessionLogout from './session.logout.js';
import sessionLogoutOthers from './session.logout_others.js';
import sessionRevoke from './session.revoke.js';
import { LOCAL } from './statuses.js';
import wechatBind from './wechat.bind.js';
import auditList from './audit.list.js';

export default endpoint({
  path: '/user/session', schemas: 'user-session', token: 'user', local: LOCAL,
  handlers: [sessionList, sessionRevoke, sessionLogout, sessionLogoutOthers, wechatBind, auditList],
});

import { endpoint } from '../../envelope/define.js';
import alertsChain from './alerts.chain.js';
import auditList from './audit.list.js';
import deviceAll from './device.all.js';
import reportFalls from './report.falls.js';
import { LOCAL } from './statuses.js';
import userDelete from './user.delete.js';
import userInfo from './user.info.js';
import userList from './user.list.js';
import userRole from './user.role.js';
import userSearch from './user.search.js';
import userSignout from './user.signout.js';
import userUpdate from './user.update.js';

/** The operator's calls (role admin): the legacy user.* ones, and the console's Admin area. */
export default endpoint({
  path: '/admin/user', schemas: 'admin-user', token: 'user', local: LOCAL,
  handlers: [userList, userInfo, userUpdate, userDelete, userSearch, userRole, userSignout, auditList, deviceAll, alertsChain, reportFalls],
});

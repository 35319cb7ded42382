import { endpoint } from '../../envelope/define.js';
import { LOCAL } from './statuses.js';
import userDelete from './user.delete.js';
import userInfo from './user.info.js';
import userList from './user.list.js';
import userUpdate from './user.update.js';

export default endpoint({
  path: '/admin/user', schemas: 'admin-user', token: 'user', local: LOCAL,
  handlers: [userList, userInfo, userUpdate, userDelete],
});

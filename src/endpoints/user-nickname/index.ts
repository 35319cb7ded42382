import { endpoint } from '../../envelope/define.js';
import infoNickname from './info.nickname.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/user/nickname', schemas: 'user-nickname', token: 'user', local: LOCAL, handlers: [infoNickname],
});

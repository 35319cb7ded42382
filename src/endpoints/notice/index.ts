import { endpoint } from '../../envelope/define.js';
import deviceHeartbeat from './device.heartbeat.js';
import noticeUpload from './notice.upload.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/notice', schemas: 'notice', token: 'device', body: 'upload', local: LOCAL, handlers: [noticeUpload, deviceHeartbeat],
});

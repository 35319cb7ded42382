import { endpoint } from '../../envelope/define.js';
import noticeGet from './notice.get.js';
import noticeInfo from './notice.info.js';
import noticeSign from './notice.sign.js';
import noticeTimeline from './notice.timeline.js';
import noticeVerdict from './notice.verdict.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/get/notice', schemas: 'get-notice', token: 'user', local: LOCAL, handlers: [noticeGet, noticeInfo, noticeSign, noticeTimeline, noticeVerdict],
});

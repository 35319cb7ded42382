import type { RequestHandler } from 'express';
import type { Deps } from '../envelope/dispatch.js';
import type { EndpointSpec } from '../envelope/types.js';
import { tencentCallbackRoute } from './callbacks/route.js';
import { consoleAssetsRoute } from './console/assets.js';
import { consolePhotoRoute } from './console/photo.js';
import { consoleAckRoute, consoleDrillRoute, consoleExportRoute, consoleSessionRoute, consoleSignoutRoute } from './console/routes.js';
import device from './device/index.js';
import getNotice from './get-notice/index.js';
import file from './file/index.js';
import { fileDownloadRoute, fileUploadRoute } from './file/routes.js';
import health from './health/index.js';
import { portraitRoute } from './get-portrait/route.js';
import notice from './notice/index.js';
import { noticeStreamRoute } from './notice-stream/route.js';
import portrait from './portrait/index.js';
import push from './push/index.js';
import upgrade from './upgrade/index.js';
import adminUser from './admin-user/index.js';
import captcha from './captcha/index.js';
import userDoki from './user-doki/index.js';
import userInfo from './user-info/index.js';
import userLogin from './user-login/index.js';
import userNickname from './user-nickname/index.js';
import userPassword from './user-password/index.js';
import userPhone from './user-phone/index.js';
import userRegister from './user-register/index.js';
import userSession from './user-session/index.js';

/** Every URL endpoint of the service. */
export const ENDPOINTS: EndpointSpec[] = [
  captcha, userLogin, userRegister, userPassword, userNickname, userInfo, userDoki, adminUser,
  device, notice, getNotice, portrait, userSession, userPhone, health, upgrade, file, push,
];

/** Routes outside the envelope dispatcher: images, event streams, multipart uploads, file downloads, the console. */
export const RAW_ROUTES: { method: 'get' | 'post'; path: string; make: (deps: Deps) => RequestHandler }[] = [
  { method: 'get', path: '/get/portrait/:id', make: portraitRoute },
  { method: 'get', path: '/notice/stream', make: noticeStreamRoute },
  { method: 'post', path: '/file/upload', make: fileUploadRoute },
  { method: 'get', path: '/file/:id', make: fileDownloadRoute },
  { method: 'get', path: '/app/session', make: consoleSessionRoute },
  { method: 'post', path: '/app/session', make: consoleSessionRoute },
  { method: 'post', path: '/app/signout', make: consoleSignoutRoute },
  { method: 'post', path: '/app/ack', make: consoleAckRoute },
  { method: 'post', path: '/app/drill', make: consoleDrillRoute },
  { method: 'get', path: '/app/photo/:event_id', make: consolePhotoRoute },
  { method: 'get', path: '/app/export/:id', make: consoleExportRoute },
  { method: 'post', path: '/callbacks/tencent/voice/:secret', make: tencentCallbackRoute('voice') },
  { method: 'post', path: '/callbacks/tencent/sms/:secret', make: tencentCallbackRoute('sms') },
  { method: 'get', path: '/app{/*file}', make: consoleAssetsRoute },
];

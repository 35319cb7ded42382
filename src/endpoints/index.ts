import type { EndpointSpec } from '../envelope/types.js';
import adminUser from './admin-user/index.js';
import captcha from './captcha/index.js';
import userDoki from './user-doki/index.js';
import userInfo from './user-info/index.js';
import userLogin from './user-login/index.js';
import userNickname from './user-nickname/index.js';
import userPassword from './user-password/index.js';
import userRegister from './user-register/index.js';

/** Every URL endpoint of the service. */
export const ENDPOINTS: EndpointSpec[] = [
  captcha, userLogin, userRegister, userPassword, userNickname, userInfo, userDoki, adminUser,
];

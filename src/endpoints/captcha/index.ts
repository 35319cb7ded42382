import { endpoint } from '../../envelope/define.js';
import imgGenerate from './img.generate.js';
import imgValidate from './img.validate.js';
import smsGenerate from './sms.generate.js';
import smsValidate from './sms.validate.js';
import { LOCAL } from './statuses.js';

export default endpoint({
  path: '/captcha',
  schemas: 'captcha',
  token: 'none',
  local: LOCAL,
  handlers: [imgGenerate, imgValidate, smsGenerate, smsValidate],
});

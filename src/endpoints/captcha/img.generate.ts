import { handler } from './statuses.js';

export default handler({
  type: 'img', subtype: 'generate', auth: 'public', success: 'Successful',
  async run(_data, { captchas, ok, fail }) {
    const captcha = await captchas.generate();
    return captcha ? ok(captcha) : fail('CAPTCHA_BUSY');
  },
});

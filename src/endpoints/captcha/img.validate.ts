import { handler } from './statuses.js';

export default handler<{ hash: string }>({
  type: 'img', subtype: 'validate', auth: 'public', success: 'successful',
  run({ hash }, { captchas, guesses, ip, ok, fail }) {
    const wait = guesses.blockedFor(`img:${ip}`);
    if (wait) return fail('CAPTCHA_MISMATCH', { retry_after: wait });
    const result = captchas.validate(hash);
    if (result === 'ok') return ok();
    guesses.hit(`img:${ip}`);
    return result === 'expired' ? fail('HASH_EXPIRED') : fail('CAPTCHA_MISMATCH');
  },
});

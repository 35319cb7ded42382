import { handler } from './statuses.js';

export default handler<{ hash: string }>({
  type: 'sms', subtype: 'validate', auth: 'public', success: 'successful',
  run({ hash }, { codes, guesses, ip, ok, fail }) {
    const wait = guesses.blockedFor(`sms:${ip}`);
    if (wait) return fail('CAPTCHA_MISMATCH', { retry_after: wait });
    const result = codes.validate(hash);
    if (result === 'ok') return ok();
    guesses.hit(`sms:${ip}`);
    return result === 'expired' ? fail('HASH_EXPIRED') : fail('CAPTCHA_MISMATCH');
  },
});

import type { Ctx, Reply } from '../../envelope/types.js';
import type { LOCAL } from './statuses.js';

/** img.validate and sms.validate: a wrong guess counts against the client address, a right one does not. */
export function checkGuess(kind: 'img' | 'sms', result: () => 'ok' | 'expired' | 'unknown', ctx: Ctx<keyof typeof LOCAL>): Reply {
  const key = `${kind}:${ctx.ip}`;
  const wait = ctx.guesses.blockedFor(key);
  if (wait) return ctx.fail('CAPTCHA_MISMATCH', { retry_after: wait });
  const outcome = result();
  if (outcome === 'ok') return ctx.ok();
  ctx.guesses.hit(key);
  return outcome === 'expired' ? ctx.fail('HASH_EXPIRED') : ctx.fail('CAPTCHA_MISMATCH');
}

import type { Ctx, Reply } from '../../envelope/types.js';
import type { LOCAL } from './statuses.js';

export type Outcome = 'ok' | 'expired' | 'unknown';

/**
 * img.validate and sms.validate: a wrong guess counts against the client
 * address, and (unless `perCode`, when the code's own five tries bound it)
 * against a service-wide allowance too, so that no number of addresses can
 * guess faster than GUESSES_GLOBAL_PER_MINUTE. A right guess costs nothing.
 * While either limit is reached every guess of that kind is refused, right or
 * wrong, with `retry_after`.
 */
export async function checkGuess(kind: 'img' | 'sms', result: () => Outcome | Promise<Outcome>, ctx: Ctx<keyof typeof LOCAL>, perCode = false): Promise<Reply> {
  const key = `${kind}:${ctx.ip}`;
  const wait = Math.max(await ctx.guesses.blockedFor(key), perCode ? 0 : await ctx.guessesGlobal.blockedFor(kind));
  if (wait) {
    ctx.metrics.guessRefused(kind);
    ctx.log.info('guess refused', { kind, ip: ctx.ip, retry_after: wait });
    return ctx.fail('CAPTCHA_MISMATCH', { retry_after: wait });
  }
  const outcome = await result();
  if (outcome === 'ok') return ctx.ok();
  await ctx.guesses.hit(key);
  if (!perCode) await ctx.guessesGlobal.hit(kind);
  return outcome === 'expired' ? ctx.fail('HASH_EXPIRED') : ctx.fail('CAPTCHA_MISMATCH');
}

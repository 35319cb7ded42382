import { checkGuess, type Outcome } from './guess.js';
import { handler } from './statuses.js';

/**
 * Checks a code without using it up: register and password.forget still take it.
 * With `phone`, only that phone's codes are looked at and a wrong hash costs
 * each of them one of its five tries (as register.phone does); without it, any
 * phone's live code matches and wrong hashes draw on the service-wide allowance.
 */
export default handler<{ hash: string; phone?: string }>({
  type: 'sms', subtype: 'validate', auth: 'public', success: 'successful',
  run: ({ hash, phone }, ctx) => {
    if (phone === undefined) return checkGuess('sms', () => ctx.codes.validate(hash), ctx);
    const byPhone = async (): Promise<Outcome> => {
      const checked = await ctx.codes.check(phone, undefined, hash);
      return checked.ok ? 'ok' : checked.why === 'expired' ? 'expired' : 'unknown';
    };
    return checkGuess('sms', byPhone, ctx, true);
  },
});

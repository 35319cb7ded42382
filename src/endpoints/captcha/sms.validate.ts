import { checkGuess } from './guess.js';
import { handler } from './statuses.js';

/** Checks a code without using it up: register and password.forget still take it. */
export default handler<{ hash: string }>({
  type: 'sms', subtype: 'validate', auth: 'public', success: 'successful',
  run: ({ hash }, ctx) => checkGuess('sms', () => ctx.codes.validate(hash), ctx),
});

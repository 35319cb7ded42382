import { checkGuess } from './guess.js';
import { handler } from './statuses.js';

export default handler<{ hash: string }>({
  type: 'img', subtype: 'validate', auth: 'public', success: 'successful',
  run: ({ hash }, ctx) => checkGuess('img', () => ctx.captchas.validate(hash), ctx),
});

import { atomically } from '../../db/client.js';
import { PURPOSE } from '../../services/codes.js';
import { handler } from './statuses.js';

/** Neither password call carries a token, so both end every token of the account. */
export default handler<{ phone: string; hash: string; pass: string }>({
  type: 'password', subtype: 'forget', auth: 'public', success: 'Successful',
  async run({ phone, hash, pass }, { db, users, codes, passwords, tokens, loginFailures, clock, ok, fail }) {
    const user = users.byPhone(phone);
    if (!user) return fail('INCORRECT_USER');
    const code = codes.check(phone, PURPOSE.FORGOT, hash);
    if (!code.ok) return fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    const passwordHash = await passwords.hash(pass);
    return atomically(db, (abort) => {
      if (!codes.consume(code.codeId)) abort(fail('HASH_ERROR'));
      users.setPassword(user.id, passwordHash, clock.now());
      tokens.revokeUser(user.id);
      loginFailures.reset(phone);
      return ok();
    });
  },
});

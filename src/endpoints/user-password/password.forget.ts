import { PURPOSE } from '../../services/accounts/index.js';
import { handler } from './statuses.js';

/** Neither password call carries a token, so both end every token of the account. */
export default handler<{ phone: string; hash: string; pass: string }>({
  type: 'password', subtype: 'forget', auth: 'public', success: 'Successful',
  async run({ phone, hash, pass }, { db, read, users, codes, passwords, tokens, loginFailures, audit, clock, ip, requestId, ok, fail }) {
    const user = await users.byPhone(read, phone);
    if (!user) return fail('INCORRECT_USER');
    const code = await codes.check(phone, PURPOSE.FORGOT, hash);
    if (!code.ok) return fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    const passwordHash = await passwords.hash(pass);
    return db.transaction(async (tx, abort) => {
      if (!(await codes.consume(tx, code.codeId))) abort(fail('HASH_ERROR'));
      await users.setPassword(tx, user.id, passwordHash, clock.now());
      await tokens.revokeUser(tx, user.id);
      await audit.record(tx, { user, ip, requestId }, 'password.reset', { user });
      tx.after(() => void loginFailures.reset(phone));
      return ok();
    });
  },
});

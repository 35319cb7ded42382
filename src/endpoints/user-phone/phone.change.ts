import { PURPOSE } from '../../services/accounts/index.js';
import { maskPhone } from '../../services/shared/index.js';
import { handler } from './statuses.js';

/** Moves the account to a new phone, proven by a command_type 4 code sent to that new number. Tokens stay valid. */
export default handler<{ phone: string; hash: string }>({
  type: 'phone', subtype: 'change', auth: 'user', success: 'successful',
  async run({ phone, hash }, { db, read, users, codes, audit, user, clock, ip, requestId, ok, fail }) {
    if (await users.byPhone(read, phone)) return fail('PHONE_EXISTS');
    const code = await codes.check(phone, PURPOSE.CHANGE_PHONE, hash);
    if (!code.ok) return fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    return db.transaction(async (tx, abort) => {
      if (!(await codes.consume(tx, code.codeId))) abort(fail('HASH_ERROR'));
      if (!(await users.setPhone(tx, user!.id, phone, clock.now()))) abort(fail('PHONE_EXISTS'));
      await audit.record(tx, { user, ip, requestId }, 'phone.change', { user: { id: user!.id, phone } }, { from: maskPhone(user!.phone), to: maskPhone(phone) });
      return ok();
    });
  },
});

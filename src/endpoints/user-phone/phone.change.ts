import { atomically } from '../../db/client.js';
import { PURPOSE } from '../../services/codes.js';
import { handler } from './statuses.js';

/** Moves the account to a new phone, proven by a command_type 4 code sent to that new number. Tokens stay valid. */
export default handler<{ phone: string; hash: string }>({
  type: 'phone', subtype: 'change', auth: 'user', success: 'successful',
  run({ phone, hash }, { db, users, codes, user, clock, ok, fail }) {
    if (users.byPhone(phone)) return fail('PHONE_EXISTS');
    const code = codes.check(phone, PURPOSE.CHANGE_PHONE, hash);
    if (!code.ok) return fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    return atomically(db, (abort) => {
      if (!codes.consume(code.codeId)) abort(fail('HASH_ERROR'));
      if (!users.setPhone(user!.id, phone, clock.now())) abort(fail('PHONE_EXISTS'));
      return ok();
    });
  },
});

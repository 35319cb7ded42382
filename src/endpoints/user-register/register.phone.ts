import { atomically } from '../../db/client.js';
import { PURPOSE } from '../../services/codes.js';
import { handler } from './statuses.js';

export default handler<{ phone: string; hash: string; pass: string }>({
  type: 'register', subtype: 'phone', auth: 'public', success: 'Successful',
  async run({ phone, hash, pass }, { db, users, codes, passwords, clock, ok, fail }) {
    if (users.byPhone(phone)) return fail('PHONE_EXISTS');
    const code = codes.check(phone, PURPOSE.REGISTER, hash);
    if (!code.ok) return fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    const passwordHash = await passwords.hash(pass);
    return atomically(db, (abort) => {
      if (users.create(phone, passwordHash, clock.now()) === null) abort(fail('PHONE_EXISTS'));
      if (!codes.consume(code.codeId)) abort(fail('HASH_ERROR'));
      return ok();
    });
  },
});

import { atomically } from '../../db/client.js';
import { PURPOSE } from '../../services/codes.js';
import { handler } from './statuses.js';

/** With a `wechat_ticket` from login.wechat, the new account is linked to that WeChat user too. */
export default handler<{ phone: string; hash: string; pass: string; wechat_ticket?: string }>({
  type: 'register', subtype: 'phone', auth: 'public', success: 'Successful',
  async run({ phone, hash, pass, wechat_ticket }, { db, users, codes, passwords, terminals, wechat, clock, ok, fail }) {
    if (users.byPhone(phone)) return fail('PHONE_EXISTS');
    if (wechat_ticket !== undefined && !wechat.peek(wechat_ticket)) return fail('BAD_TICKET');
    const code = codes.check(phone, PURPOSE.REGISTER, hash);
    if (!code.ok) return fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    const passwordHash = await passwords.hash(pass);
    return atomically(db, (abort) => {
      const id = users.create(phone, passwordHash, clock.now());
      if (id === null) abort(fail('PHONE_EXISTS'));
      if (!codes.consume(code.codeId)) abort(fail('HASH_ERROR'));
      if (wechat_ticket !== undefined) {
        const openid = wechat.redeem(wechat_ticket);
        if (!openid) abort(fail('BAD_TICKET'));
        if (!terminals.linkOpenid(id!, openid!, clock.now())) abort(fail('WECHAT_TAKEN'));
      }
      return ok();
    });
  },
});

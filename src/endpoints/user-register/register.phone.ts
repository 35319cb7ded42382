import { PURPOSE } from '../../services/accounts/index.js';
import { handler } from './statuses.js';

/** With a `wechat_ticket` from login.wechat, the new account is linked to that WeChat user too. */
export default handler<{ phone: string; hash: string; pass: string; wechat_ticket?: string }>({
  type: 'register', subtype: 'phone', auth: 'public', success: 'Successful',
  async run({ phone, hash, pass, wechat_ticket }, { db, read, users, codes, passwords, terminals, wechat, audit, clock, ip, requestId, ok, fail }) {
    if (await users.byPhone(read, phone)) return fail('PHONE_EXISTS');
    if (wechat_ticket !== undefined && !(await wechat.peek(wechat_ticket))) return fail('BAD_TICKET');
    const code = await codes.check(phone, PURPOSE.REGISTER, hash);
    if (!code.ok) return fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    const passwordHash = await passwords.hash(pass);
    return db.transaction(async (tx, abort) => {
      const id = await users.create(tx, phone, passwordHash, clock.now());
      if (id === null) abort(fail('PHONE_EXISTS'));
      if (!(await codes.consume(tx, code.codeId))) abort(fail('HASH_ERROR'));
      const created = { id: id!, phone };
      await audit.record(tx, { user: created, ip, requestId }, 'signup', { user: created }, wechat_ticket === undefined ? undefined : { wechat: true });
      if (wechat_ticket !== undefined) {
        const openid = await wechat.redeem(tx, wechat_ticket);
        if (!openid) abort(fail('BAD_TICKET'));
        if (!(await terminals.linkOpenid(tx, id!, openid!, clock.now()))) abort(fail('WECHAT_TAKEN'));
      }
      return ok();
    });
  },
});

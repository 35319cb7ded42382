import { handler } from './statuses.js';

/** Links the WeChat user behind a login.wechat ticket to the caller's account (replacing an earlier link). */
export default handler<{ wechat_ticket: string }>({
  type: 'wechat', subtype: 'bind', auth: 'user', success: 'successful',
  async run({ wechat_ticket }, { db, wechat, terminals, user, clock, ok, fail }) {
    const openid = await wechat.peek(wechat_ticket);
    if (!openid) return fail('BAD_TICKET');
    return db.transaction(async (tx, abort) => {
      if ((await wechat.redeem(tx, wechat_ticket)) !== openid) abort(fail('BAD_TICKET')); // redeemed meanwhile
      if (!(await terminals.linkOpenid(tx, user!.id, openid, clock.now()))) abort(fail('WECHAT_TAKEN'));
      return ok();
    });
  },
});

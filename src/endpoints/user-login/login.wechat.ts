import type { WeChatFailure } from '../../services/accounts/index.js';
import { handler, type LOCAL } from './statuses.js';
import { isEnduring, signinDetail, terminalOf, type DeviceData } from './terminal.js';

const STATUS: Record<WeChatFailure, keyof typeof LOCAL> = {
  invalid_code: 'WECHAT_BAD_CODE',
  rate_limited: 'WECHAT_RATE_LIMITED',
  blocked: 'WECHAT_BLOCKED',
  busy: 'WECHAT_BUSY',
  disabled: 'WECHAT_DISABLED',
};

/** WeChat mini-program login: a linked openid gets a token, an unknown one a ticket to link it with. */
export default handler<{ code: string; enduring?: unknown; device?: DeviceData }>({
  type: 'login', subtype: 'wechat', auth: 'public', success: 'Successful',
  async run({ code, enduring, device }, { db, read, wechat, terminals, tokens, audit, ip, requestId, log, ok, fail }) {
    const session = await wechat.code2Session(code, log);
    if (!session.ok) return fail(STATUS[session.failure]);
    const user = await terminals.byOpenid(read, session.openid);
    if (!user) {
      const { ticket, expiresIn } = await wechat.issueTicket(session.openid);
      return fail('WECHAT_UNLINKED', { wechat_ticket: ticket, expires_in: expiresIn });
    }
    return ok({
      token: await db.transaction(async (tx) => {
        await audit.record(tx, { user, ip, requestId }, 'signin', { user }, signinDetail('wechat', device));
        return tokens.issue(tx, user.id, isEnduring(enduring), terminalOf(device));
      }),
    });
  },
});

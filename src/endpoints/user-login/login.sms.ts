import { PURPOSE } from '../../services/accounts/index.js';
import { handler } from './statuses.js';
import { isEnduring, signinDetail, terminalOf, type DeviceData } from './terminal.js';

/** Login by a command_type 3 code; the terminal it names becomes trusted for password logins. */
export default handler<{ phone: string; hash: string; enduring?: unknown; device?: DeviceData }>({
  type: 'login', subtype: 'sms', auth: 'public', success: 'Successful',
  async run({ phone, hash, enduring, device }, { db, read, users, codes, tokens, terminals, audit, clock, ip, requestId, ok, fail }) {
    const user = await users.byPhone(read, phone);
    if (!user) return fail('INCORRECT_USER');
    const code = await codes.check(phone, PURPOSE.LOGIN, hash);
    if (!code.ok) {
      await audit.recordNow({ user: null, ip, requestId }, 'signin.failed', { user }, signinDetail('sms', device, code.why === 'expired' ? 'code_expired' : 'code'));
      return fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    }
    const terminal = terminalOf(device);
    return db.transaction(async (tx, abort) => {
      if (!(await codes.consume(tx, code.codeId))) abort(fail('HASH_ERROR'));
      if (terminal) await terminals.remember(tx, user.id, terminal.deviceNo, clock.now());
      await audit.record(tx, { user, ip, requestId }, 'signin', { user }, signinDetail('sms', device));
      return ok({ token: await tokens.issue(tx, user.id, isEnduring(enduring), terminal) });
    });
  },
});

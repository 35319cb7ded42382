import { PURPOSE } from '../../services/accounts/index.js';
import { handler } from './statuses.js';
import { isEnduring, terminalOf, type DeviceData } from './terminal.js';

/** Login by a command_type 3 code; the terminal it names becomes trusted for password logins. */
export default handler<{ phone: string; hash: string; enduring?: unknown; device?: DeviceData }>({
  type: 'login', subtype: 'sms', auth: 'public', success: 'Successful',
  async run({ phone, hash, enduring, device }, { db, read, users, codes, tokens, terminals, clock, ok, fail }) {
    const user = await users.byPhone(read, phone);
    if (!user) return fail('INCORRECT_USER');
    const code = await codes.check(phone, PURPOSE.LOGIN, hash);
    if (!code.ok) return fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    const terminal = terminalOf(device);
    return db.transaction(async (tx, abort) => {
      if (!(await codes.consume(tx, code.codeId))) abort(fail('HASH_ERROR'));
      if (terminal) await terminals.remember(tx, user.id, terminal.deviceNo, clock.now());
      return ok({ token: await tokens.issue(tx, user.id, isEnduring(enduring), terminal) });
    });
  },
});

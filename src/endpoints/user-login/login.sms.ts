import { atomically } from '../../db/client.js';
import { PURPOSE } from '../../services/codes.js';
import { handler } from './statuses.js';
import { isEnduring, terminalOf, type DeviceData } from './terminal.js';

/** Login by a command_type 3 code; the terminal it names becomes trusted for password logins. */
export default handler<{ phone: string; hash: string; enduring?: unknown; device?: DeviceData }>({
  type: 'login', subtype: 'sms', auth: 'public', success: 'Successful',
  run({ phone, hash, enduring, device }, { db, users, codes, tokens, terminals, clock, ok, fail }) {
    const user = users.byPhone(phone);
    if (!user) return fail('INCORRECT_USER');
    const code = codes.check(phone, PURPOSE.LOGIN, hash);
    if (!code.ok) return fail(code.why === 'expired' ? 'HASH_EXPIRED' : 'HASH_ERROR');
    const terminal = terminalOf(device);
    return atomically(db, (abort) => {
      if (!codes.consume(code.codeId)) abort(fail('HASH_ERROR'));
      if (terminal) terminals.remember(user.id, terminal.deviceNo, clock.now());
      return ok({ token: tokens.issue(user.id, isEnduring(enduring), terminal) });
    });
  },
});

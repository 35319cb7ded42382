import { handler } from './statuses.js';
import { isEnduring, terminalOf, type DeviceData } from './terminal.js';

/**
 * With a `device`, a password is only enough on a terminal the account
 * already trusts (or on its first one); elsewhere the client is sent to
 * login.sms (441). Without a `device` (legacy clients) nothing changes.
 */
export default handler<{ phone: string; pass: string; enduring?: unknown; device?: DeviceData }>({
  type: 'login', subtype: 'pass', auth: 'public', success: 'Successful',
  async run({ phone, pass, enduring, device }, { users, passwords, tokens, terminals, loginFailures, metrics, clock, ok, fail }) {
    const wait = loginFailures.blockedFor(phone);
    if (wait) return fail('LOCKED', { retry_after: wait });
    const user = users.byPhone(phone);
    if (!user) return fail('INCORRECT_USER');
    if (!(await passwords.verify(pass, user.passwordHash))) {
      loginFailures.hit(phone);
      metrics.loginFailed();
      return fail('WRONG_PASSWORD');
    }
    loginFailures.reset(phone);
    if (passwords.outdated(user.passwordHash)) users.setPassword(user.id, await passwords.hash(pass), clock.now());
    const terminal = terminalOf(device);
    if (terminal) {
      if (terminals.standing(user.id, terminal.deviceNo) === 'new') return fail('NEW_DEVICE');
      terminals.remember(user.id, terminal.deviceNo, clock.now());
    }
    return ok({ token: tokens.issue(user.id, isEnduring(enduring), terminal) });
  },
});

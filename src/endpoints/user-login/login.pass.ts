import { handler } from './statuses.js';
import { isEnduring, signinDetail, terminalOf, type DeviceData } from './terminal.js';

/**
 * With a `device`, a password is only enough on a terminal the account
 * already trusts (or on its first one); elsewhere the client is sent to
 * login.sms (441). Without a `device` (legacy clients) nothing changes.
 */
export default handler<{ phone: string; pass: string; enduring?: unknown; device?: DeviceData }>({
  type: 'login', subtype: 'pass', auth: 'public', success: 'Successful',
  async run({ phone, pass, enduring, device }, { db, read, users, passwords, tokens, terminals, loginFailures, metrics, audit, clock, ip, requestId, ok, fail }) {
    const wait = await loginFailures.blockedFor(phone);
    if (wait) return fail('LOCKED', { retry_after: wait });
    const user = await users.byPhone(read, phone);
    if (!user) return fail('INCORRECT_USER');
    if (!(await passwords.verify(pass, user.passwordHash))) {
      await loginFailures.hit(phone);
      metrics.loginFailed();
      await audit.recordNow({ user: null, ip, requestId }, 'signin.failed', { user }, signinDetail('pass', device, 'password'));
      return fail('WRONG_PASSWORD');
    }
    await loginFailures.reset(phone);
    const rehashed = passwords.outdated(user.passwordHash) ? await passwords.hash(pass) : null;
    const terminal = terminalOf(device);
    if (terminal && await terminals.standing(read, user.id, terminal.deviceNo) === 'new') return fail('NEW_DEVICE');
    return db.transaction(async (tx) => {
      if (rehashed) await users.setPassword(tx, user.id, rehashed, clock.now());
      if (terminal) await terminals.remember(tx, user.id, terminal.deviceNo, clock.now());
      await audit.record(tx, { user, ip, requestId }, 'signin', { user }, signinDetail('pass', device));
      return ok({ token: await tokens.issue(tx, user.id, isEnduring(enduring), terminal) });
    });
  },
});

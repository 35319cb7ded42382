import { handler } from './statuses.js';

export default handler<{ phone: string; pass: string; enduring?: unknown }>({
  type: 'login', subtype: 'pass', auth: 'public', success: 'Successful',
  async run({ phone, pass, enduring }, { users, passwords, tokens, loginFailures, clock, ok, fail }) {
    const wait = loginFailures.blockedFor(phone);
    if (wait) return fail('LOCKED', { retry_after: wait });
    const user = users.byPhone(phone);
    if (!user) return fail('INCORRECT_USER');
    if (!(await passwords.verify(pass, user.passwordHash))) {
      loginFailures.hit(phone);
      return fail('WRONG_PASSWORD');
    }
    loginFailures.reset(phone);
    if (passwords.outdated(user.passwordHash)) users.setPassword(user.id, await passwords.hash(pass), clock.now());
    return ok({ token: tokens.issue(user.id, enduring === 1 || enduring === true) });
  },
});

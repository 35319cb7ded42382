import { handler } from './statuses.js';

export default handler<{ phone: string; old: string; new: string }>({
  type: 'password', subtype: 'change', auth: 'public', success: 'Successful',
  async run(data, { db, read, users, passwords, tokens, loginFailures, metrics, audit, clock, ip, requestId, ok, fail }) {
    const wait = await loginFailures.blockedFor(data.phone);
    if (wait) return fail('LOCKED', { retry_after: wait });
    const user = await users.byPhone(read, data.phone);
    if (!user) return fail('INCORRECT_USER');
    if (!(await passwords.verify(data.old, user.passwordHash))) {
      await loginFailures.hit(data.phone);
      metrics.loginFailed();
      return fail('WRONG_PASSWORD');
    }
    const passwordHash = await passwords.hash(data.new);
    return db.transaction(async (tx) => {
      await users.setPassword(tx, user.id, passwordHash, clock.now());
      await tokens.revokeUser(tx, user.id);
      await audit.record(tx, { user, ip, requestId }, 'password.change', { user });
      return ok();
    });
  },
});

import { handler } from './statuses.js';

/** Ends every session of an account (its tokens stop working on every instance at once). */
export default handler<{ phone: string }>({
  type: 'user', subtype: 'signout', auth: 'admin', success: 'successful',
  async run({ phone }, { db, users, tokens, audit, read, user, ip, requestId, ok, fail }) {
    const target = await users.byPhone(read, phone);
    if (!target) return fail('USER_NOT_FOUND');
    const ended = await db.transaction(async (tx) => {
      const before = (await tokens.sessions(tx, target.id)).length;
      await tokens.revokeUser(tx, target.id);
      await audit.record(tx, { user, ip, requestId }, 'admin.signout', { user: target }, { sessions: before });
      return before;
    });
    return ok({ phone, sessions: ended });
  },
});

import { handler } from './statuses.js';

export default handler<{ session_id: number }>({
  type: 'session', subtype: 'revoke', auth: 'user', success: 'successful',
  async run({ session_id }, { db, tokens, audit, user, ip, requestId, ok, fail }) {
    const revoked = await db.transaction(async (tx) => {
      if (!(await tokens.revoke(tx, session_id, user!.id))) return false;
      await audit.record(tx, { user, ip, requestId }, 'session.revoke', { user }, { session_id });
      return true;
    });
    return revoked ? ok() : fail('SESSION_NOT_FOUND');
  },
});

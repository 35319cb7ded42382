import { handler } from './statuses.js';

export default handler({
  type: 'session', subtype: 'logout_others', auth: 'user', success: 'successful',
  async run(_data, { db, tokens, audit, user, ip, requestId, ok }) {
    await db.transaction(async (tx) => {
      await tokens.revokeUser(tx, user!.id, user!.tokenId);
      await audit.record(tx, { user, ip, requestId }, 'session.revoke', { user }, { others: true });
    });
    return ok();
  },
});

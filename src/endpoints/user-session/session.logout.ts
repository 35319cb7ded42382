import { handler } from './statuses.js';

export default handler({
  type: 'session', subtype: 'logout', auth: 'user', success: 'successful',
  async run(_data, { db, tokens, audit, user, ip, requestId, ok }) {
    await db.transaction(async (tx) => {
      await tokens.revoke(tx, user!.tokenId);
      await audit.record(tx, { user, ip, requestId }, 'signout', { user }, { session_id: user!.tokenId });
    });
    return ok();
  },
});

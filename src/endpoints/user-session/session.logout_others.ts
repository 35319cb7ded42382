import { handler } from './statuses.js';

export default handler({
  type: 'session', subtype: 'logout_others', auth: 'user', success: 'successful',
  async run(_data, { db, tokens, user, ok }) {
    await db.transaction((tx) => tokens.revokeUser(tx, user!.id, user!.tokenId));
    return ok();
  },
});

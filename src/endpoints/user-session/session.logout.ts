import { handler } from './statuses.js';

export default handler({
  type: 'session', subtype: 'logout', auth: 'user', success: 'successful',
  async run(_data, { db, tokens, user, ok }) {
    await db.transaction((tx) => tokens.revoke(tx, user!.tokenId));
    return ok();
  },
});

import { handler } from './statuses.js';

export default handler<{ session_id: number }>({
  type: 'session', subtype: 'revoke', auth: 'user', success: 'successful',
  run: async ({ session_id }, { db, tokens, user, ok, fail }) => (await db.transaction((tx) => tokens.revoke(tx, session_id, user!.id)) ? ok() : fail('SESSION_NOT_FOUND')),
});

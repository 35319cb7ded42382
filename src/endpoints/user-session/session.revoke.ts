import { handler } from './statuses.js';

export default handler<{ session_id: number }>({
  type: 'session', subtype: 'revoke', auth: 'user', success: 'successful',
  run: ({ session_id }, { tokens, user, ok, fail }) => (tokens.revoke(session_id, user!.id) ? ok() : fail('SESSION_NOT_FOUND')),
});

import { handler } from './statuses.js';

export default handler({
  type: 'session', subtype: 'logout_others', auth: 'user', success: 'successful',
  run(_data, { tokens, user, ok }) {
    tokens.revokeUser(user!.id, user!.tokenId);
    return ok();
  },
});

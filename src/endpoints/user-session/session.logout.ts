import { handler } from './statuses.js';

export default handler({
  type: 'session', subtype: 'logout', auth: 'user', success: 'successful',
  run(_data, { tokens, user, ok }) {
    tokens.revoke(user!.tokenId);
    return ok();
  },
});

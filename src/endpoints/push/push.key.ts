import { handler } from './statuses.js';

/** The VAPID public key a browser subscribes with (the same on every instance). */
export default handler({
  type: 'push', subtype: 'key', auth: 'user', success: 'successful',
  run(_data, { push, ok }) {
    return ok({ public_key: push.publicKey });
  },
});

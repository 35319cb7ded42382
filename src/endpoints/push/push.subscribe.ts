import { handler } from './statuses.js';

/** An uncompressed P-256 point (65 bytes, 0x04 first) and a 16-byte auth secret, both base64url (RFC 8291). */
function keysOk(p256dh: string, auth: string): boolean {
  const point = Buffer.from(p256dh, 'base64url');
  return point.length === 65 && point[0] === 4 && Buffer.from(auth, 'base64url').length === 16;
}

/** This browser's falls by Web Push: the subscription its push service gave it (PushSubscription.toJSON()). */
export default handler<{ endpoint: string; keys: { p256dh: string; auth: string } }>({
  type: 'push', subtype: 'subscribe', auth: 'user', success: 'successful',
  async run({ endpoint, keys }, { db, push, pushSubscriptions, clock, user, log, ok, fail }) {
    const problem = push.endpointProblem(endpoint);
    if (problem) {
      log.info('push subscription refused', { problem });
      return fail('ENDPOINT_REFUSED', { reason: problem });
    }
    if (!keysOk(keys.p256dh, keys.auth)) return fail('KEYS_INVALID');
    await db.transaction((tx) => pushSubscriptions.put(tx, user!.id, { endpoint, p256dh: keys.p256dh, auth: keys.auth }, clock.now()));
    return ok();
  },
});

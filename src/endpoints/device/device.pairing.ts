import { handler } from './statuses.js';

/** A one-use code and its QR code, for a camera or band to claim within 300 s. */
export default handler({
  type: 'device', subtype: 'pairing', auth: 'user', success: 'successful',
  run: async (_data, { pairing, user, ok }) => ok(await pairing.create(user!.id)),
});

import { handler } from './statuses.js';

/** Up to 1,000 band samples in one transaction; bad ones are reported by index, the rest stored. */
export default handler<{ samples: unknown[] }>({
  type: 'health', subtype: 'upload', auth: 'user', success: 'successful',
  async run({ samples }, { health, devices, read, user, ok }) {
    const mine = new Set((await devices.listForUser(read, user!.id)).map((d) => d.deviceId));
    return ok(await health.upload(user!.id, samples, mine));
  },
});

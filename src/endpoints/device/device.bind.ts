import { handler } from './statuses.js';

/** Binding needs the device id, which only its creator and the camera know: names are not enough. */
export default handler<{ device_id: string }>({
  type: 'device', subtype: 'bind', auth: 'user', success: 'successful',
  async run({ device_id }, { db, devices, read, user, clock, ok, fail }) {
    const device = await devices.byToken(read, device_id);
    if (!device) return fail('DEVICE_NOT_FOUND');
    return await db.transaction((tx) => devices.bind(tx, user!.id, device.id, clock.now())) ? ok() : fail('ALREADY_BOUND');
  },
});

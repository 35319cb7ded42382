import { handler } from './statuses.js';

/** Binding needs the device id, which only its creator and the camera know: names are not enough. */
export default handler<{ device_id: string }>({
  type: 'device', subtype: 'bind', auth: 'user', success: 'successful',
  async run({ device_id }, { db, devices, audit, read, user, clock, ip, requestId, ok, fail }) {
    const device = await devices.byToken(read, device_id);
    if (!device) return fail('DEVICE_NOT_FOUND');
    const bound = await db.transaction(async (tx) => {
      if (!(await devices.bind(tx, user!.id, device.id, clock.now()))) return false;
      await audit.record(tx, { user, ip, requestId }, 'device.bind', { deviceId: device.deviceId }, { name: device.name });
      return true;
    });
    return bound ? ok() : fail('ALREADY_BOUND');
  },
});

import { handler } from './statuses.js';

/** Removes the caller's binding only; other family members keep theirs. */
export default handler<{ device_id: string }>({
  type: 'device', subtype: 'unbind', auth: 'user', success: 'successful',
  async run({ device_id }, { db, devices, read, user, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, { deviceId: device_id });
    return device && await db.transaction((tx) => devices.unbind(tx, user!.id, device.id)) ? ok() : fail('NO_SUCH_DEVICE');
  },
});

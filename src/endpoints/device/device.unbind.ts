import { handler } from './statuses.js';

/** Removes the caller's binding only; other family members keep theirs. */
export default handler<{ device_id: string }>({
  type: 'device', subtype: 'unbind', auth: 'user', success: 'successful',
  async run({ device_id }, { db, devices, audit, read, user, ip, requestId, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, { deviceId: device_id });
    const unbound = device && await db.transaction(async (tx) => {
      if (!(await devices.unbind(tx, user!.id, device.id))) return false;
      await audit.record(tx, { user, ip, requestId }, 'device.unbind', { deviceId: device.deviceId }, { name: device.name });
      return true;
    });
    return unbound ? ok() : fail('NO_SUCH_DEVICE');
  },
});

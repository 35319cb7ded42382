import { handler } from './statuses.js';

/** Removes the caller's binding only; other family members keep theirs. */
export default handler<{ device_id: string }>({
  type: 'device', subtype: 'unbind', auth: 'user', success: 'successful',
  run({ device_id }, { devices, user, ok, fail }) {
    const device = devices.boundTo(user!.id, { deviceId: device_id });
    return device && devices.unbind(user!.id, device.id) ? ok() : fail('NO_SUCH_DEVICE');
  },
});

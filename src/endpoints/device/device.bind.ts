import { handler } from './statuses.js';

/** Binding needs the device id, which only its creator and the camera know: names are not enough. */
export default handler<{ device_id: string }>({
  type: 'device', subtype: 'bind', auth: 'user', success: 'successful',
  run({ device_id }, { devices, user, clock, ok, fail }) {
    const device = devices.byToken(device_id);
    if (!device) return fail('DEVICE_NOT_FOUND');
    return devices.bind(user!.id, device.id, clock.now()) ? ok() : fail('ALREADY_BOUND');
  },
});

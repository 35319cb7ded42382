import { handler } from './statuses.js';
import { alertsOf, livenessOf, onCallOf } from './view.js';

/** Only devices bound to the caller: a device id is the camera's credential. */
export default handler<{ device_id?: string; device_name?: string }>({
  type: 'device', subtype: 'info', auth: 'user', success: 'Successful',
  async run({ device_id, device_name }, { devices, read, noticeView, config, clock, user, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, device_id !== undefined ? { deviceId: device_id } : { name: device_name });
    if (!device) return fail('NO_SUCH_DEVICE');
    return ok({ device_id: device.deviceId, device_name: device.name, ...livenessOf(device, (ms) => noticeView.createtime(ms)), alerts: alertsOf(device, config),
      oncall: await onCallOf(device, devices, read, config, clock.now()) });
  },
});

import { handler } from './statuses.js';
import { alertsOf } from './view.js';

/** Any account bound to the camera sets its escalation: seconds after a fall, 0 switches that step off. */
export default handler<{ device_id: string; repeat_seconds?: number; call_seconds?: number }>({
  type: 'device', subtype: 'alerts', auth: 'user', success: 'Successful',
  async run({ device_id, repeat_seconds, call_seconds }, { db, devices, audit, read, config, user, ip, requestId, log, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, { deviceId: device_id });
    if (!device) return fail('NO_SUCH_DEVICE');
    const repeat = repeat_seconds ?? device.alertRepeatSeconds;
    const call = call_seconds ?? device.alertCallSeconds;
    await db.transaction(async (tx) => {
      await devices.setAlerts(tx, device.id, repeat, call);
      await audit.record(tx, { user, ip, requestId }, 'device.alerts', { deviceId: device.deviceId }, { repeat_seconds: repeat, call_seconds: call });
    });
    log.info('camera escalation set', { device: device.deviceId, repeat, call });
    return ok({ device_id, ...alertsOf({ ...device, alertRepeatSeconds: repeat, alertCallSeconds: call }, config) });
  },
});

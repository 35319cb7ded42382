import { maskPhone } from '../../services/shared/index.js';
import { handler } from './statuses.js';
import { alertsOf } from './view.js';

interface Data {
  device_id: string;
  repeat_seconds?: number;
  call_seconds?: number;
  resident_phone?: string | null;
  resident_seconds?: number;
  last_resort_phone?: string | null;
  last_resort_seconds?: number;
}

/**
 * Any account bound to the camera sets its escalation: seconds after a fall, 0 switches that step off;
 * the resident asked first and a last-resort number (each a mobile number or null, and seconds), which
 * need answers by phone (PROVIDER_CALLBACK_SECRET). What is left out stays as it was.
 */
export default handler<Data>({
  type: 'device', subtype: 'alerts', auth: 'user', success: 'Successful',
  async run(data, { db, devices, audit, read, config, user, ip, requestId, log, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, { deviceId: data.device_id });
    if (!device) return fail('NO_SUCH_DEVICE');
    const set = {
      alertRepeatSeconds: data.repeat_seconds ?? device.alertRepeatSeconds,
      alertCallSeconds: data.call_seconds ?? device.alertCallSeconds,
      residentPhone: data.resident_phone === undefined ? device.residentPhone : data.resident_phone,
      residentSeconds: data.resident_seconds ?? device.residentSeconds,
      lastResortPhone: data.last_resort_phone === undefined ? device.lastResortPhone : data.last_resort_phone,
      lastResortSeconds: data.last_resort_seconds ?? device.lastResortSeconds,
    };
    const next = { ...device, ...set };
    const view = alertsOf(next, config);
    // a number that could never answer is refused rather than stored as a setting that does nothing
    if (config.callbackSecret === '' && ((view.resident_phone && view.resident_seconds > 0) || (view.last_resort_phone && view.last_resort_seconds > 0))) {
      return fail('ANSWERS_OFF');
    }
    await db.transaction(async (tx) => {
      await devices.setAlerts(tx, device.id, set);
      await audit.record(tx, { user, ip, requestId }, 'device.alerts', { deviceId: device.deviceId }, {
        ...view, resident_phone: view.resident_phone && maskPhone(view.resident_phone), last_resort_phone: view.last_resort_phone && maskPhone(view.last_resort_phone),
      });
    });
    log.info('camera escalation set', { device: device.deviceId, repeat: view.repeat_seconds, call: view.call_seconds, resident_seconds: view.resident_seconds, last_resort_seconds: view.last_resort_seconds });
    return ok({ device_id: data.device_id, ...view });
  },
});

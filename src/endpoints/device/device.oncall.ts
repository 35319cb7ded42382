import { minutesOf, type Shift } from '../../services/alerts/index.js';
import { validZone } from '../../services/devices/index.js';
import { maskPhone } from '../../services/shared/index.js';
import { handler } from './statuses.js';
import { onCallOf } from './view.js';

interface Data {
  device_id: string;
  order: 'everyone' | 'rota';
  rota?: { phone: string; days: number[]; from: string; to: string }[];
  next_level_seconds?: number;
  time_zone?: string | null;
}

/**
 * Any account bound to the camera sets who is woken first: everyone at once (the default), or a rota of
 * bound accounts' shifts (days 1 Monday to 7 Sunday, from-to in the camera's time zone; from = to is the
 * whole day, from after to runs past midnight). With a rota, a fall's first SMS and push go to whoever is
 * on call, everyone's `next_level_seconds` later. What is left out stays as it was.
 */
export default handler<Data>({
  type: 'device', subtype: 'oncall', auth: 'user', success: 'Successful',
  async run(data, { db, devices, audit, read, config, clock, user, ip, requestId, log, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, { deviceId: data.device_id });
    if (!device) return fail('NO_SUCH_DEVICE');
    const timeZone = data.time_zone === undefined ? device.timeZone : data.time_zone;
    if (timeZone !== null && !validZone(timeZone)) return fail('BAD_TIME_ZONE');
    let rota: Shift[] | null = null;
    if (data.order === 'rota') {
      if (!data.rota?.length) return fail('ROTA_EMPTY');
      const family = new Set((await devices.boundUsers(read, device.id)).map((u) => u.phone));
      const stranger = data.rota.find((s) => !family.has(s.phone));
      if (stranger) return fail('NOT_FAMILY', { phone: maskPhone(stranger.phone) });
      rota = data.rota.map((s) => ({ phone: s.phone, days: [...s.days].sort(), from: minutesOf(s.from)!, to: minutesOf(s.to)! }));
    }
    const set = { oncall: rota && JSON.stringify(rota), nextLevelSeconds: data.next_level_seconds ?? device.nextLevelSeconds, timeZone };
    await db.transaction(async (tx) => {
      await devices.setOnCall(tx, device.id, set);
      await audit.record(tx, { user, ip, requestId }, 'device.oncall', { deviceId: device.deviceId }, {
        order: data.order, shifts: rota?.length ?? 0, next_level_seconds: set.nextLevelSeconds, time_zone: timeZone,
      });
    });
    log.info('camera on-call order set', { device: device.deviceId, order: data.order, shifts: rota?.length ?? 0 });
    const next = { ...device, ...set };
    return ok({ device_id: data.device_id, ...await onCallOf(next, devices, read, config, clock.now()) });
  },
});

import { handler } from './statuses.js';

interface Data {
  device_id: string;
  minutes: number;
  reason?: string | null;
}

/**
 * Any account bound to the camera pauses it for 15 to 480 minutes (again: the new pause replaces the
 * old), or ends the pause with minutes 0. While it lasts falls are stored and streamed, marked `paused`,
 * and nobody is phoned; every bound account gets an SMS when it starts and when it ends.
 */
export default handler<Data>({
  type: 'device', subtype: 'pause', auth: 'user', success: 'Successful',
  async run(data, { devices, pauses, read, user, ip, requestId, log, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, { deviceId: data.device_id });
    if (!device) return fail('NO_SUCH_DEVICE');
    const who = { user: user!, ip, requestId };
    if (data.minutes === 0) {
      await pauses.end(who, device, log);
      return ok({ device_id: data.device_id, paused: null });
    }
    const reason = data.reason?.trim() || null;
    return ok({ device_id: data.device_id, paused: await pauses.start(who, device, data.minutes, reason, log) });
  },
});

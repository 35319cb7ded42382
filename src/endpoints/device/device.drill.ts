import { handler } from './statuses.js';

/**
 * Any bound account sends the camera's family a drill now: a test push to every subscription, an SMS
 * asking for a reply of 1, and with `call: true` a call asking for a 1. At most one a minute per camera.
 */
export default handler<{ device_id: string; call?: boolean }>({
  type: 'device', subtype: 'drill', auth: 'user', success: 'Successful',
  async run(data, { devices, drills, drillLimit, read, user, ip, requestId, log, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, { deviceId: data.device_id });
    if (!device) return fail('NO_SUCH_DEVICE');
    const wait = await drillLimit.blockedFor(device.deviceId);
    if (wait > 0) return fail('DRILL_LIMIT', { retry_after: wait });
    await drillLimit.hit(device.deviceId);
    const sent = await drills.start(device, { user, ip, requestId }, data.call === true, log);
    return ok({ device_id: data.device_id, sent });
  },
});

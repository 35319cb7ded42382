import { handler } from './statuses.js';

/** Who in the camera's family is reachable by which channel, and when that was last proved by a drill. */
export default handler<{ device_id: string }>({
  type: 'device', subtype: 'reach', auth: 'user', success: 'Successful',
  async run(data, { devices, drills, read, noticeView, user, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, { deviceId: data.device_id });
    if (!device) return fail('NO_SUCH_DEVICE');
    const at = (ms: number | null) => (ms === null ? null : noticeView.createtime(ms));
    const family = (await drills.reach(device)).map((m) => ({
      name: m.name, phone: m.phone,
      ...Object.fromEntries(Object.entries(m.channels).map(([k, c]) => [k, c && { tried: at(c.tried), outcome: c.outcome, proved: at(c.proved), last_proved: at(c.last_proved) }])),
    }));
    return ok({ device_id: data.device_id, family });
  },
});

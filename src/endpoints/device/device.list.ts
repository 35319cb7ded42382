import { handler } from './statuses.js';
import { livenessOf, onCallNow } from './view.js';

export default handler({
  type: 'device', subtype: 'list', auth: 'user', success: 'successful',
  async run(_data, { devices, pauses, read, noticeView, config, clock, user, ok }) {
    const format = (ms: number) => noticeView.createtime(ms);
    const now = clock.now();
    const list = await Promise.all((await devices.listForUser(read, user!.id)).map(async (d) => ({
      device_id: d.deviceId, device_name: d.name, ...livenessOf(d, format), paused: pauses.of(d), on_call: await onCallNow(d, devices, read, config, now),
    })));
    return ok({ num: list.length, list });
  },
});

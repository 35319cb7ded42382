import { handler } from './statuses.js';
import { livenessOf } from './view.js';

export default handler({
  type: 'device', subtype: 'list', auth: 'user', success: 'successful',
  async run(_data, { devices, pauses, read, noticeView, user, ok }) {
    const format = (ms: number) => noticeView.createtime(ms);
    const list = (await devices.listForUser(read, user!.id)).map((d) => ({ device_id: d.deviceId, device_name: d.name, ...livenessOf(d, format), paused: pauses.of(d) }));
    return ok({ num: list.length, list });
  },
});

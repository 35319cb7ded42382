import { handler } from './statuses.js';
import { livenessOf } from './view.js';

export default handler({
  type: 'device', subtype: 'list', auth: 'user', success: 'successful',
  run(_data, { devices, noticeService, user, ok }) {
    const format = (ms: number) => noticeService.createtime(ms);
    const list = devices.listForUser(user!.id).map((d) => ({ device_id: d.deviceId, device_name: d.name, ...livenessOf(d, format) }));
    return ok({ num: list.length, list });
  },
});

import { handler } from './statuses.js';

export default handler({
  type: 'device', subtype: 'list', auth: 'user', success: 'successful',
  run(_data, { devices, user, ok }) {
    const list = devices.listForUser(user!.id).map((d) => ({ device_id: d.deviceId, device_name: d.name }));
    return ok({ num: list.length, list });
  },
});

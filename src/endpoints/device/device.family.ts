import { maskPhone } from '../../services/shared/index.js';
import { handler } from './statuses.js';

/**
 * Who else is told of this camera's falls: the other bound accounts, by nickname (or the phone masked)
 * with the phone masked beside it, in the order they bound it. The console names who acknowledged a fall by it.
 */
export default handler<{ device_id: string }>({
  type: 'device', subtype: 'family', auth: 'user', success: 'Successful',
  async run({ device_id }, { devices, read, user, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, { deviceId: device_id });
    if (!device) return fail('NO_SUCH_DEVICE');
    const family = (await devices.family(read, device.id)).filter((u) => u.id !== user!.id).map((u) => ({ name: u.nickname || maskPhone(u.phone), phone: maskPhone(u.phone) }));
    return ok({ device_id, family });
  },
});

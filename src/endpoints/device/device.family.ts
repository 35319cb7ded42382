import { handler } from './statuses.js';

const mask = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

/**
 * Who else is told of this camera's falls: the other bound accounts, by nickname (or the phone masked)
 * with the phone masked beside it, in the order they bound it. The console names who acknowledged a fall by it.
 */
export default handler<{ device_id: string }>({
  type: 'device', subtype: 'family', auth: 'user', success: 'Successful',
  async run({ device_id }, { devices, read, user, ok, fail }) {
    const device = await devices.boundTo(read, user!.id, { deviceId: device_id });
    if (!device) return fail('NO_SUCH_DEVICE');
    const family = (await devices.family(read, device.id)).filter((u) => u.id !== user!.id).map((u) => ({ name: u.nickname || mask(u.phone), phone: mask(u.phone) }));
    return ok({ device_id, family });
  },
});

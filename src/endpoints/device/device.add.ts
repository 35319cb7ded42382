import { md5Hex, randomHex128 } from '../../services/shared/index.js';
import { handler } from './statuses.js';

export default handler<{ device: string }>({
  type: 'device', subtype: 'add', auth: 'user', success: 'successful',
  async run({ device: name }, { db, devices, audit, config, user, clock, ip, requestId, ok, fail }) {
    const deviceId = config.legacyDeviceIds ? md5Hex(name + 'helpaged') : randomHex128();
    const created = await db.transaction(async (tx) => {
      const made = await devices.create(tx, name, deviceId, user!.id, clock.now());
      if (made) await audit.record(tx, { user, ip, requestId }, 'device.add', { deviceId: made.deviceId }, { name });
      return made;
    });
    return created ? ok({ device_id: created.deviceId }) : fail('DUPLICATE_DEVICE');
  },
});

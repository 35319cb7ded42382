import { md5Hex, randomHex128 } from '../../services/shared/index.js';
import { handler } from './statuses.js';

export default handler<{ device: string }>({
  type: 'device', subtype: 'add', auth: 'user', success: 'successful',
  async run({ device: name }, { db, devices, config, user, clock, ok, fail }) {
    const deviceId = config.legacyDeviceIds ? md5Hex(name + 'helpaged') : randomHex128();
    const created = await db.transaction((tx) => devices.create(tx, name, deviceId, user!.id, clock.now()));
    return created ? ok({ device_id: created.deviceId }) : fail('DUPLICATE_DEVICE');
  },
});

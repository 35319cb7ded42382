import { handler } from './statuses.js';

/** Called by the device itself, without a token: the pairing code is its proof. */
export default handler<{ pairing_code: string; sn: string; name?: string; model?: string }>({
  type: 'device', subtype: 'claim', auth: 'public', success: 'successful',
  async run({ pairing_code, sn, name, model }, { pairing, pairingGuesses, metrics, audit, users, ip, requestId, ok, fail }) {
    const key = `pair:${ip}`;
    const wait = await pairingGuesses.blockedFor(key);
    if (wait) {
      metrics.guessRefused('pairing');
      return fail('PAIRING_THROTTLED', { retry_after: wait });
    }
    // the account that showed the pairing code is the one acting: the camera only read it
    const claimed = await pairing.claim(pairing_code, sn, name, model, async (tx, userId, device) => {
      const owner = { id: userId, phone: (await users.profile(tx, userId))!.phone };
      await audit.record(tx, { user: owner, ip, requestId }, 'device.claim', { deviceId: device.deviceId }, { name: device.name, sn });
    });
    if (claimed.ok) return ok({ device_id: claimed.device.deviceId, device_name: claimed.device.name, sn: claimed.device.sn });
    if (claimed.why === 'name_taken') return fail('DUPLICATE_DEVICE');
    await pairingGuesses.hit(key);
    return fail('PAIRING_GONE');
  },
});

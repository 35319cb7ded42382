import jsQRModule from 'jsqr';
import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, jpeg, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

/** jsqr is CommonJS with a default export: reach it the same way under either loader. */
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as typeof import('jsqr').default;

let t: TestServer;
const pairingCalls = suite('device.pairing / device.claim / device.unbind');
pairingCalls.before(async () => {
  t = await startTestServer();
});
pairingCalls.after(() => t.close());

/** Reads the QR code the way a camera would: from the picture's pixels. */
async function scan(base64: string): Promise<string> {
  const { data, info } = await sharp(Buffer.from(base64, 'base64')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const found = jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height);
  if (!found) throw new Error('no QR code found');
  return found.data;
}

const claim = (data: Record<string, unknown>) => t.call('device.claim', data);

pairingCalls('a QR code carries a one-use code; the device that claims it is bound to the account and can post notices', async () => {
  const token = await t.signUp(newPhone());
  const res = await t.call('device.pairing', {}, { token });
  passes(res);
  assert.match(res.data.pairing_code, /^[A-Z2-9]{8}$/);
  assert.is(res.data.expires_in, 300);
  const payload = await scan(res.data.qrcode);
  assert.ok(payload.includes(res.data.pairing_code));

  const claimed = await claim({ pairing_code: payload, sn: 'SN123456789', name: '我的智能手环', model: 'B1' });
  assert.equal(Object.keys(claimed.data), ['device_id', 'device_name', 'sn']);
  assert.match(claimed.data.device_id, /^[0-9a-f]{32}$/);
  assert.is(claimed.data.device_name, '我的智能手环');
  assert.is(claimed.data.sn, 'SN123456789');
  const list = await t.call('device.list', {}, { token });
  assert.equal(list.data.list, [{ device_id: claimed.data.device_id, device_name: '我的智能手环', last_seen: null, online: null, paused: null, on_call: null }]);

  passes(await t.upload(claimed.data.device_id, await jpeg(10), 'from the paired camera'));
  assert.is((await t.call('notice.get', { mode: 0 }, { token })).data.list[0].content, 'from the paired camera');
  assert.equal(await claim({ pairing_code: res.data.pairing_code, sn: 'SN2' }), { id: 1, status: 410, message: 'Pairing code expired or used', data: {} });
});

pairingCalls('an expired code is 410; a taken name is 101 and leaves the code usable', async () => {
  const token = await t.signUp(newPhone());
  const old = (await t.call('device.pairing', {}, { token })).data.pairing_code;
  t.clock.advance(301);
  fails(await claim({ pairing_code: old, sn: 'SN-EXP' }), 'PAIRING_GONE');
  await t.addDevice(token, 'taken-name');
  const code = (await t.call('device.pairing', {}, { token })).data.pairing_code;
  assert.is((await claim({ pairing_code: code, sn: 'SN-NAME', name: 'taken-name' })).status, 101);
  const ok = await claim({ pairing_code: code, sn: 'SN-NAME', model: 'C9' });
  passes(ok);
  assert.is(ok.data.device_name, 'C9-SN-NAME');
});

pairingCalls('a device claimed again (same sn) gets a new id; the old one stops working', async () => {
  const a = await t.signUp(newPhone());
  const b = await t.signUp(newPhone());
  const first = await claim({ pairing_code: (await t.call('device.pairing', {}, { token: a })).data.pairing_code, sn: 'SN-RESET' });
  const second = await claim({ pairing_code: (await t.call('device.pairing', {}, { token: b })).data.pairing_code, sn: 'SN-RESET' });
  passes(second);
  assert.is.not(second.data.device_id, first.data.device_id);
  fails(await t.upload(first.data.device_id, await jpeg(5)), 'DEVICE_TOKEN');
  passes(await t.upload(second.data.device_id, await jpeg(5)));
  assert.is((await t.call('device.list', {}, { token: b })).data.num, 1);
});

pairingCalls('guessing codes is rate limited per client address (429 with retry_after)', async () => {
  t.clock.advance(120);
  let last;
  for (let i = 0; i < 11; i++) last = await claim({ pairing_code: `WRONG${i}XX`, sn: 'SN-GUESS' });
  assert.is(last!.status, 429);
  assert.ok(last!.data.retry_after > 0);
  t.clock.advance(61);
});

pairingCalls('device.unbind removes only the caller\'s binding; a device not bound is 103', async () => {
  const a = await t.signUp(newPhone());
  const b = await t.signUp(newPhone());
  const camera = await t.addDevice(a);
  await t.bind(b, camera);
  assert.equal(await t.call('device.unbind', { device_id: camera }, { token: a }), { id: 1, status: 0, message: 'successful', data: {} });
  assert.is((await t.call('device.list', {}, { token: a })).data.num, 0);
  assert.is((await t.call('device.list', {}, { token: b })).data.num, 1);
  assert.equal(await t.call('device.unbind', { device_id: camera }, { token: a }), { id: 1, status: 103, message: 'No Such Device', data: {} });
  fails(await t.call('device.unbind', {}, { token: a }), 'DATA_KEY');
});

pairingCalls('bad data and tokens: claim -3/-203/-204 (no token needed); pairing -100/-101', async () => {
  fails(await claim({ sn: 'x' }), 'DATA_KEY');
  fails(await claim({ pairing_code: 1, sn: 'x' }), 'VALUE_TYPE');
  fails(await claim({ pairing_code: 'ABCDEFGH', sn: 'bad sn with spaces' }), 'VALUE');
  fails(await t.call('device.pairing', {}), 'TOKEN_MISSING');
  fails(await t.call('device.pairing', {}, { token: 'zz' }), 'TOKEN_INVALID');
  fails(await t.call('device.claim', { pairing_code: 'ABCDEFGH', sn: 'x' }, { token: 'zz' }), 'TOKEN_INVALID', 'a token given is checked');
});

pairingCalls.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { md5Hex } from '../../src/services/shared/random.js';
import { fails, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

let t: TestServer;
const deviceCalls = suite('device.add, device.bind, device.list, device.info');
deviceCalls.before(async () => {
  t = await startTestServer();
});
deviceCalls.after(() => t.close());

deviceCalls('device.add returns a random 32-hex device_id; the name must be new (101 Duplicate device)', async () => {
  const token = await t.signUp(newPhone());
  const res = await t.call('device.add', { device: 'camera1' }, { token, id: 0 });
  passes(res);
  assert.is(res.message, 'successful');
  assert.match(res.data.device_id, /^[0-9a-f]{32}$/);
  assert.is.not(res.data.device_id, md5Hex('camera1helpaged'));
  assert.ok((await t.services.devices.byToken(t.services.read, res.data.device_id)));
  assert.equal(await t.call('device.add', { device: 'camera1' }, { token }), { id: 1, status: 101, message: 'Duplicate device', data: {} });
});

deviceCalls('device.bind: a new account binds its first device; again is 101; an unknown id 100', async () => {
  const owner = await t.signUp(newPhone());
  const added = await t.call('device.add', { device: 'kitchen' }, { token: owner });
  const family = await t.signUp(newPhone());
  assert.equal(await t.call('device.bind', { device_id: added.data.device_id }, { token: family }),
    { id: 1, status: 0, message: 'successful', data: {} });
  assert.equal(await t.call('device.bind', { device_id: added.data.device_id }, { token: family }),
    { id: 1, status: 101, message: 'The device has already be bind', data: {} });
  assert.equal(await t.call('device.bind', { device_id: 'f'.repeat(32) }, { token: family }),
    { id: 1, status: 100, message: 'device_id not exist', data: {} });
  await t.bind(owner, added.data.device_id);
  const rows = (await t.sql.get('select count(*) n from bindings b join devices d on d.id = b.device_id where d.device_id = ?', added.data.device_id)) as { n: number };
  assert.is(rows.n, 2, 'one device, two accounts');
});

deviceCalls('device.list returns the bound devices in binding order; none is {num: 0, list: []}', async () => {
  const token = await t.signUp(newPhone());
  assert.equal((await t.call('device.list', {}, { token })).data, { num: 0, list: [] });
  const a = await t.addDevice(token, 'hall');
  const b = await t.addDevice(token, 'bedroom');
  const res = await t.call('device.list', {}, { token });
  assert.equal(res, { id: 1, status: 0, message: 'successful', data: { num: 2, list: [
    { device_id: a, device_name: 'hall', last_seen: null, online: null, paused: null, on_call: null }, { device_id: b, device_name: 'bedroom', last_seen: null, online: null, paused: null, on_call: null },
  ] } });
});

deviceCalls('device.info by id or name, only for bound devices (103 otherwise); no key is -3', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const id = await t.addDevice(token, 'porch');
  assert.equal(await t.call('device.info', { device_id: id }, { token }),
    { id: 1, status: 0, message: 'Successful', data: { device_id: id, device_name: 'porch', last_seen: null, online: null, alerts: { repeat_seconds: 120, call_seconds: 300, resident_phone: null, resident_seconds: 0, last_resort_phone: null, last_resort_seconds: 0 },
      oncall: { order: 'everyone', rota: [], next_level_seconds: 300, time_zone: 'Asia/Shanghai', on_call: null, family: [{ name: `${phone.slice(0, 3)}****${phone.slice(-4)}`, phone }] } } });
  assert.equal(Object.keys((await t.call('device.info', { device_name: 'porch' }, { token })).data), ['device_id', 'device_name', 'last_seen', 'online', 'alerts', 'oncall']);
  const stranger = await t.signUp(newPhone());
  assert.equal(await t.call('device.info', { device_name: 'porch' }, { token: stranger }),
    { id: 1, status: 103, message: 'No Such Device', data: {} });
  fails(await t.call('device.info', {}, { token }), 'DATA_KEY');
});

deviceCalls('bad data and tokens: -3, -203, -201, -204, -101, -100, -2', async () => {
  const token = await t.signUp(newPhone());
  fails(await t.call('device.add', {}, { token }), 'DATA_KEY');
  fails(await t.call('device.add', { device: 5 }, { token }), 'VALUE_TYPE');
  fails(await t.call('device.add', { device: '' }, { token }), 'VALUE_EMPTY');
  fails(await t.call('device.add', { device: 'x'.repeat(65) }, { token }), 'VALUE');
  fails(await t.call('device.bind', {}, { token }), 'DATA_KEY');
  fails(await t.call('device.bind', { device_id: 1 }, { token }), 'VALUE_TYPE');
  fails(await t.call('device.add', { device: 'x' }, { token: 'bad' }), 'TOKEN_INVALID');
  fails(await t.call('device.list', {}), 'TOKEN_MISSING');
  fails(await t.callAt('/device', 'device', 'remove', {}, { token }), 'JSON_VALUE');
});

deviceCalls.run();

const legacy = suite('LEGACY_DEVICE_IDS=1');
legacy('device ids are md5(name + "helpaged") for fleets that compute them', async () => {
  const l = await startTestServer({ LEGACY_DEVICE_IDS: '1' });
  const token = await l.signUp(newPhone());
  const res = await l.call('device.add', { device: 'camera1' }, { token });
  assert.is(res.data.device_id, md5Hex('camera1helpaged'));
  await l.close();
});
legacy.run();

const family = suite('device.family');
let f: TestServer;
family.before(async () => {
  f = await startTestServer();
});
family.after(() => f.close());

family('the rest of the family bound to a camera, by nickname or masked phone, in binding order; only for bound accounts', async () => {
  const [me, mei, other] = [newPhone(), newPhone(), newPhone()];
  const [tMe, tMei, tOther] = [await f.signUp(me), await f.signUp(mei), await f.signUp(other)];
  const camera = await f.addDevice(tMe, `hall-${Date.now()}`);
  await f.bind(tMei, camera);
  await f.bind(tOther, camera);
  passes(await f.call('info.update', { phone: mei, nickname: 'Mei' }, { token: tMei }));
  const reply = await f.call('device.family', { device_id: camera }, { token: tMe });
  const masked = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;
  assert.equal(reply.data, { device_id: camera, family: [{ name: 'Mei', phone: masked(mei) }, { name: masked(other), phone: masked(other) }] });
  assert.equal((await f.call('device.family', { device_id: camera }, { token: tMei })).data.family.map((m: { name: string }) => m.name),
    [`${me.slice(0, 3)}****${me.slice(-4)}`, `${other.slice(0, 3)}****${other.slice(-4)}`]);
  const stranger = await f.signUp(newPhone());
  fails(await f.call('device.family', { device_id: camera }, { token: stranger }), 'NO_SUCH_DEVICE');
  fails(await f.call('device.family', {}, { token: tMe }), 'DATA_KEY');
  fails(await f.call('device.family', { device_id: camera }, { token: 'x' }), 'TOKEN_INVALID');
});

family.run();

import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, jpeg, legacyStatus, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

let t: TestServer;
const start = async () => {
  t = await startTestServer();
};
const stop = () => t.close();

const phoneDevice = { device_no: 'uk06lSoK28oNmYC2', device_name: 'XHJ-DM01', device_brand: 'iPhone', device_model: '23127PN0CC', plat_id: 2 };
const laptop = { device_no: 'pc-42', device_name: 'Study PC', plat_id: 4 };

const sms = suite('login.sms and terminal devices');
sms.before(start);
sms.after(stop);

sms('login.sms with a command_type 3 code returns a token; the code works once', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  const hash = await t.requestCode(phone, 3);
  const res = await t.call('login.sms', { phone, hash, enduring: 1 });
  passes(res);
  assert.is(res.message, 'Successful');
  assert.match(res.data.token, /^[0-9a-f]{32}$/);
  passes(await t.get(`/user/doki?token=${res.data.token}`));
  fails(await t.call('login.sms', { phone, hash }), 'HASH_ERROR');
});

sms('login.sms: unknown phone 100, a code of another purpose 400, an expired one -4, bad data -3/-203', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  const register = await t.requestCode(phone, 1);
  assert.equal(await t.call('login.sms', { phone, hash: register }), { id: 1, status: 400, message: 'Error hash', data: {} });
  const hash = await t.requestCode(phone, 3);
  fails(await t.call('login.sms', { phone: newPhone(), hash }), 'INCORRECT_USER');
  t.clock.advance(t.config.codeTtlSeconds);
  fails(await t.call('login.sms', { phone, hash }), 'HASH_EXPIRED');
  fails(await t.call('login.sms', { phone }), 'DATA_KEY');
  fails(await t.call('login.sms', { phone, hash: 1 }), 'VALUE_TYPE');
  fails(await t.call('login.sms', { phone, hash, device: { device_name: 'x' } }), 'DATA_KEY');
  fails(await t.call('login.sms', { phone, hash, device: { device_no: 'x', plat_id: 9 } }), 'VALUE');
});

sms('a password login from a new device is 441 once the account knows a device; login.sms makes it known', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  passes(await t.call('login.pass', { phone, pass: 'secret123', device: phoneDevice }), 'the first device is trusted');
  passes(await t.call('login.pass', { phone, pass: 'secret123', device: phoneDevice }));
  const refused = await t.call('login.pass', { phone, pass: 'secret123', device: laptop });
  fails(refused, 'NEW_DEVICE');
  assert.match(refused.message, /SMS code/);
  assert.equal(refused.data, {});
  fails(await t.call('login.pass', { phone, pass: 'wrong', device: laptop }), 'WRONG_PASSWORD', 'the password is checked first');
  const hash = await t.requestCode(phone, 3);
  passes(await t.call('login.sms', { phone, hash, device: laptop }));
  passes(await t.call('login.pass', { phone, pass: 'secret123', device: laptop }));
});

sms('legacy password logins without a device are unaffected by known devices', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  await t.call('login.pass', { phone, pass: 'secret123', device: phoneDevice });
  const legacy = await t.call('login.pass', { phone, pass: 'secret123', enduring: false });
  assert.equal(Object.keys(legacy), ['id', 'status', 'message', 'data']);
  passes(legacy);
  assert.is(legacy.message, 'Successful');
  assert.equal(Object.keys(legacy.data), ['token']);
});

sms.run();

const sessions = suite('session.list, session.revoke, session.logout, session.logout_others');
sessions.before(start);
sessions.after(stop);

sessions('session.list shows each live token with its device, times and which one is the caller', async () => {
  const phone = newPhone();
  const legacyToken = await t.signUp(phone);
  t.clock.advance(5);
  const appToken = (await t.call('login.pass', { phone, pass: 'secret123', device: phoneDevice })).data.token;
  const res = await t.call('session.list', {}, { token: appToken });
  passes(res);
  assert.is(res.data.num, 2);
  const [app, legacy] = res.data.list;
  assert.equal(Object.keys(app), ['session_id', 'device_no', 'device_name', 'device_brand', 'device_model', 'plat_id', 'enduring', 'created_at', 'last_used_at', 'current']);
  assert.is(app.device_no, phoneDevice.device_no);
  assert.is(app.device_brand, 'iPhone');
  assert.is(app.plat_id, 2);
  assert.is(app.current, true);
  assert.is(legacy.device_no, null);
  assert.is(legacy.current, false);
  assert.type(app.session_id, 'number');
  assert.not.ok(JSON.stringify(res).includes(appToken) || JSON.stringify(res).includes(legacyToken));
  assert.match(app.last_used_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
});

sessions('session.revoke ends another session by id: that token fails on its next use; unknown id 100', async () => {
  const phone = newPhone();
  const victim = await t.signUp(phone);
  const me = await t.login(phone);
  const list = (await t.call('session.list', {}, { token: me })).data.list;
  const other = list.find((s: { current: boolean }) => !s.current);
  assert.equal(await t.call('session.revoke', { session_id: other.session_id }, { token: me }), { id: 1, status: 0, message: 'successful', data: {} });
  fails(await t.call('session.list', {}, { token: victim }), 'TOKEN_INVALID');
  assert.equal(await t.call('session.revoke', { session_id: other.session_id }, { token: me }), { id: 1, status: 100, message: 'Session not found', data: {} });
  const stranger = await t.signUp(newPhone());
  const mine = list.find((s: { current: boolean }) => s.current);
  fails(await t.call('session.revoke', { session_id: mine.session_id }, { token: stranger }), 'SESSION_NOT_FOUND', 'not another account\'s');
  passes(await t.get(`/user/doki?token=${me}`));
  fails(await t.call('session.revoke', {}, { token: me }), 'DATA_KEY');
  fails(await t.call('session.revoke', { session_id: 'x' }, { token: me }), 'VALUE_TYPE');
});

sessions('session.logout ends the caller; logout_others ends all but the caller', async () => {
  const phone = newPhone();
  const a = await t.signUp(phone);
  const b = await t.login(phone);
  const c = await t.login(phone);
  assert.equal(await t.call('session.logout_others', {}, { token: b }), { id: 1, status: 0, message: 'successful', data: {} });
  legacyStatus(await t.get(`/user/doki?token=${a}`), 1);
  legacyStatus(await t.get(`/user/doki?token=${c}`), 1);
  assert.is((await t.call('session.list', {}, { token: b })).data.num, 1);
  assert.equal(await t.call('session.logout', {}, { token: b }), { id: 1, status: 0, message: 'successful', data: {} });
  fails(await t.call('session.list', {}, { token: b }), 'TOKEN_INVALID');
  fails(await t.call('session.list', {}), 'TOKEN_MISSING');
});

sessions.run();

const phone = suite('phone.change / account.delete');
phone.before(start);
phone.after(stop);

phone('phone.change moves the account to a new phone proven by a command_type 4 code sent to it', async () => {
  const oldPhone = newPhone();
  const token = await t.signUp(oldPhone);
  const next = newPhone();
  const hash = await t.requestCode(next, 4);
  assert.is(t.outbox().at(-1)!.phone, next);
  assert.equal(await t.call('phone.change', { phone: next, hash }, { token }), { id: 1, status: 0, message: 'successful', data: {} });
  assert.is((await t.get(`/user/info?token=${token}`)).data.phone, next, 'the token stays valid');
  passes(await t.call('login.pass', { phone: next, pass: 'secret123' }));
  fails(await t.call('login.pass', { phone: oldPhone, pass: 'secret123' }), 'INCORRECT_USER');
});

phone('phone.change: a taken phone 101, a code for another phone or purpose 400, expired -4, bad phone -204', async () => {
  const token = await t.signUp(newPhone());
  const taken = newPhone();
  await t.signUp(taken);
  const takenHash = await t.requestCode(taken, 4);
  assert.equal(await t.call('phone.change', { phone: taken, hash: takenHash }, { token }), { id: 1, status: 101, message: 'Phone number existed', data: {} });
  const next = newPhone();
  const wrongPurpose = await t.requestCode(next, 1);
  assert.equal(await t.call('phone.change', { phone: next, hash: wrongPurpose }, { token }), { id: 1, status: 400, message: 'Error hash', data: {} });
  const other = newPhone();
  const forOther = await t.requestCode(other, 4);
  fails(await t.call('phone.change', { phone: next, hash: forOther }, { token }), 'HASH_ERROR');
  const hash = await t.requestCode(next, 4);
  t.clock.advance(t.config.codeTtlSeconds);
  fails(await t.call('phone.change', { phone: next, hash }, { token }), 'HASH_EXPIRED');
  fails(await t.call('phone.change', { phone: '12', hash }, { token }), 'VALUE');
  fails(await t.call('phone.change', { phone: next }, { token }), 'DATA_KEY');
  fails(await t.call('phone.change', { phone: next, hash }, { token: 'x' }), 'TOKEN_INVALID');
});

phone('account.delete with a command_type 5 code removes the account, tokens, bindings and portrait', async () => {
  const p = newPhone();
  const token = await t.signUp(p);
  const other = await t.login(p);
  const camera = await t.addDevice(token);
  await t.upload(camera, await jpeg(5));
  await t.call('portrait.upload', { base64: (await jpeg(5)).toString('base64') }, { token });
  const id = (await t.services.users.byPhone(t.services.read, p))!.id;
  const wrong = await t.requestCode(p, 4);
  fails(await t.call('account.delete', { hash: wrong }, { token }), 'HASH_ERROR');
  const hash = await t.requestCode(p, 5);
  assert.equal(await t.call('account.delete', { hash }, { token }), { id: 1, status: 0, message: 'successful', data: {} });
  assert.not.ok((await t.services.users.byPhone(t.services.read, p)));
  for (const table of ['tokens', 'bindings', 'portraits', 'terminals']) {
    assert.is(((await t.sql.get(`select count(*) n from ${table} where user_id = ?`, id)) as { n: number }).n, 0, table);
  }
  legacyStatus(await t.get(`/user/doki?token=${other}`), 1);
  const files = fs.readdirSync(path.join(t.dataDir, 'portraits'), { recursive: true }).map(String).filter((f) => f.endsWith('.jpg') && path.basename(f).startsWith(`${id}-`));
  assert.equal(files, []);
  assert.is(((await t.sql.get('select count(*) n from notices n join devices d on d.id = n.device_id where d.device_id = ?', camera)) as { n: number }).n, 1);
  fails(await t.call('account.delete', { hash }, { token }), 'TOKEN_INVALID');
});

phone('account.delete: an expired code is -4 and deletes nothing; missing hash -3', async () => {
  const p = newPhone();
  const token = await t.signUp(p);
  const hash = await t.requestCode(p, 5);
  t.clock.advance(t.config.codeTtlSeconds);
  fails(await t.call('account.delete', { hash }, { token }), 'HASH_EXPIRED');
  fails(await t.call('account.delete', {}, { token }), 'DATA_KEY');
  assert.ok((await t.services.users.byPhone(t.services.read, p)));
});

phone.run();

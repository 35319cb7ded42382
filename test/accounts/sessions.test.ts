import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { jpeg, newPhone, startTestServer, type TestServer } from '../helpers.js';

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
  const res = await t.call('/user/login', 'login', 'sms', { phone, hash, enduring: 1 });
  assert.is(res.status, 0);
  assert.is(res.message, 'Successful');
  assert.match(res.data.token, /^[0-9a-f]{32}$/);
  assert.is((await t.get(`/user/doki?token=${res.data.token}`)).status, 0);
  assert.is((await t.call('/user/login', 'login', 'sms', { phone, hash })).status, 400);
});

sms('login.sms: unknown phone 100, a code of another purpose 400, an expired one -4, bad data -3/-203', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  const register = await t.requestCode(phone, 1);
  assert.equal(await t.call('/user/login', 'login', 'sms', { phone, hash: register }), { id: 1, status: 400, message: 'Error hash', data: {} });
  const hash = await t.requestCode(phone, 3);
  assert.is((await t.call('/user/login', 'login', 'sms', { phone: newPhone(), hash })).status, 100);
  t.clock.advance(t.config.codeTtlSeconds);
  assert.is((await t.call('/user/login', 'login', 'sms', { phone, hash })).status, -4);
  assert.is((await t.call('/user/login', 'login', 'sms', { phone })).status, -3);
  assert.is((await t.call('/user/login', 'login', 'sms', { phone, hash: 1 })).status, -203);
  assert.is((await t.call('/user/login', 'login', 'sms', { phone, hash, device: { device_name: 'x' } })).status, -3);
  assert.is((await t.call('/user/login', 'login', 'sms', { phone, hash, device: { device_no: 'x', plat_id: 9 } })).status, -204);
});

sms('a password login from a new device is 441 once the account knows a device; login.sms makes it known', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  assert.is((await t.call('/user/login', 'login', 'pass', { phone, pass: 'secret123', device: phoneDevice })).status, 0, 'the first device is trusted');
  assert.is((await t.call('/user/login', 'login', 'pass', { phone, pass: 'secret123', device: phoneDevice })).status, 0);
  const refused = await t.call('/user/login', 'login', 'pass', { phone, pass: 'secret123', device: laptop });
  assert.is(refused.status, 441);
  assert.match(refused.message, /SMS code/);
  assert.equal(refused.data, {});
  assert.is((await t.call('/user/login', 'login', 'pass', { phone, pass: 'wrong', device: laptop })).status, 101, 'the password is checked first');
  const hash = await t.requestCode(phone, 3);
  assert.is((await t.call('/user/login', 'login', 'sms', { phone, hash, device: laptop })).status, 0);
  assert.is((await t.call('/user/login', 'login', 'pass', { phone, pass: 'secret123', device: laptop })).status, 0);
});

sms('legacy password logins without a device are unaffected by known devices', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  await t.call('/user/login', 'login', 'pass', { phone, pass: 'secret123', device: phoneDevice });
  const legacy = await t.call('/user/login', 'login', 'pass', { phone, pass: 'secret123', enduring: false });
  assert.equal(Object.keys(legacy), ['id', 'status', 'message', 'data']);
  assert.is(legacy.status, 0);
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
  const appToken = (await t.call('/user/login', 'login', 'pass', { phone, pass: 'secret123', device: phoneDevice })).data.token;
  const res = await t.call('/user/session', 'session', 'list', {}, { token: appToken });
  assert.is(res.status, 0);
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
  const list = (await t.call('/user/session', 'session', 'list', {}, { token: me })).data.list;
  const other = list.find((s: { current: boolean }) => !s.current);
  assert.equal(await t.call('/user/session', 'session', 'revoke', { session_id: other.session_id }, { token: me }), { id: 1, status: 0, message: 'successful', data: {} });
  assert.is((await t.call('/user/session', 'session', 'list', {}, { token: victim })).status, -101);
  assert.equal(await t.call('/user/session', 'session', 'revoke', { session_id: other.session_id }, { token: me }), { id: 1, status: 100, message: 'Session not found', data: {} });
  const stranger = await t.signUp(newPhone());
  const mine = list.find((s: { current: boolean }) => s.current);
  assert.is((await t.call('/user/session', 'session', 'revoke', { session_id: mine.session_id }, { token: stranger })).status, 100, 'not another account\'s');
  assert.is((await t.get(`/user/doki?token=${me}`)).status, 0);
  assert.is((await t.call('/user/session', 'session', 'revoke', {}, { token: me })).status, -3);
  assert.is((await t.call('/user/session', 'session', 'revoke', { session_id: 'x' }, { token: me })).status, -203);
});

sessions('session.logout ends the caller; logout_others ends all but the caller', async () => {
  const phone = newPhone();
  const a = await t.signUp(phone);
  const b = await t.login(phone);
  const c = await t.login(phone);
  assert.equal(await t.call('/user/session', 'session', 'logout_others', {}, { token: b }), { id: 1, status: 0, message: 'successful', data: {} });
  assert.is((await t.get(`/user/doki?token=${a}`)).status, 1);
  assert.is((await t.get(`/user/doki?token=${c}`)).status, 1);
  assert.is((await t.call('/user/session', 'session', 'list', {}, { token: b })).data.num, 1);
  assert.equal(await t.call('/user/session', 'session', 'logout', {}, { token: b }), { id: 1, status: 0, message: 'successful', data: {} });
  assert.is((await t.call('/user/session', 'session', 'list', {}, { token: b })).status, -101);
  assert.is((await t.call('/user/session', 'session', 'list', {})).status, -100);
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
  assert.equal(await t.call('/user/phone', 'phone', 'change', { phone: next, hash }, { token }), { id: 1, status: 0, message: 'successful', data: {} });
  assert.is((await t.get(`/user/info?token=${token}`)).data.phone, next, 'the token stays valid');
  assert.is((await t.call('/user/login', 'login', 'pass', { phone: next, pass: 'secret123' })).status, 0);
  assert.is((await t.call('/user/login', 'login', 'pass', { phone: oldPhone, pass: 'secret123' })).status, 100);
});

phone('phone.change: a taken phone 101, a code for another phone or purpose 400, expired -4, bad phone -204', async () => {
  const token = await t.signUp(newPhone());
  const taken = newPhone();
  await t.signUp(taken);
  const takenHash = await t.requestCode(taken, 4);
  assert.equal(await t.call('/user/phone', 'phone', 'change', { phone: taken, hash: takenHash }, { token }), { id: 1, status: 101, message: 'Phone number existed', data: {} });
  const next = newPhone();
  const wrongPurpose = await t.requestCode(next, 1);
  assert.equal(await t.call('/user/phone', 'phone', 'change', { phone: next, hash: wrongPurpose }, { token }), { id: 1, status: 400, message: 'Error hash', data: {} });
  const other = newPhone();
  const forOther = await t.requestCode(other, 4);
  assert.is((await t.call('/user/phone', 'phone', 'change', { phone: next, hash: forOther }, { token })).status, 400);
  const hash = await t.requestCode(next, 4);
  t.clock.advance(t.config.codeTtlSeconds);
  assert.is((await t.call('/user/phone', 'phone', 'change', { phone: next, hash }, { token })).status, -4);
  assert.is((await t.call('/user/phone', 'phone', 'change', { phone: '12', hash }, { token })).status, -204);
  assert.is((await t.call('/user/phone', 'phone', 'change', { phone: next }, { token })).status, -3);
  assert.is((await t.call('/user/phone', 'phone', 'change', { phone: next, hash }, { token: 'x' })).status, -101);
});

phone('account.delete with a command_type 5 code removes the account, tokens, bindings and portrait', async () => {
  const p = newPhone();
  const token = await t.signUp(p);
  const other = await t.login(p);
  const camera = await t.addDevice(token);
  await t.upload(camera, await jpeg(5));
  await t.call('/portrait', 'portrait', 'upload', { base64: (await jpeg(5)).toString('base64') }, { token });
  const id = (await t.services.users.byPhone(t.services.read, p))!.id;
  const wrong = await t.requestCode(p, 4);
  assert.is((await t.call('/user/phone', 'account', 'delete', { hash: wrong }, { token })).status, 400);
  const hash = await t.requestCode(p, 5);
  assert.equal(await t.call('/user/phone', 'account', 'delete', { hash }, { token }), { id: 1, status: 0, message: 'successful', data: {} });
  assert.not.ok((await t.services.users.byPhone(t.services.read, p)));
  for (const table of ['tokens', 'bindings', 'portraits', 'terminals']) {
    assert.is(((await t.sql.get(`select count(*) n from ${table} where user_id = ?`, id)) as { n: number }).n, 0, table);
  }
  assert.is((await t.get(`/user/doki?token=${other}`)).status, 1);
  const files = fs.readdirSync(path.join(t.dataDir, 'portraits'), { recursive: true }).map(String).filter((f) => f.endsWith('.jpg') && path.basename(f).startsWith(`${id}-`));
  assert.equal(files, []);
  assert.is(((await t.sql.get('select count(*) n from notices n join devices d on d.id = n.device_id where d.device_id = ?', camera)) as { n: number }).n, 1);
  assert.is((await t.call('/user/phone', 'account', 'delete', { hash }, { token })).status, -101);
});

phone('account.delete: an expired code is -4 and deletes nothing; missing hash -3', async () => {
  const p = newPhone();
  const token = await t.signUp(p);
  const hash = await t.requestCode(p, 5);
  t.clock.advance(t.config.codeTtlSeconds);
  assert.is((await t.call('/user/phone', 'account', 'delete', { hash }, { token })).status, -4);
  assert.is((await t.call('/user/phone', 'account', 'delete', {}, { token })).status, -3);
  assert.ok((await t.services.users.byPhone(t.services.read, p)));
});

phone.run();

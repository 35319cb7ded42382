import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

let t: TestServer;

const info = suite('GET /user/info, info.update, info.nickname, doki');
info.before(async () => {
  t = await startTestServer();
});
info.after(() => t.close());

info('GET /user/info returns the profile of the token owner', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const res = await t.get(`/api/user/info?token=${token}`);
  assert.equal(res, { id: -1, status: 0, message: 'Successful', data: { phone, name: null, nickname: null, email: null, level: 1 } });
});

info('GET /user/info: a bad token is 1 Error Token, none -100', async () => {
  assert.equal(await t.get('/user/info?token=0123456789abcdef0123456789abcdef'), { id: -1, status: 1, message: 'Error Token', data: {} });
  assert.equal(await t.get('/user/info'), { id: -1, status: -100, message: 'Missing necessary args', data: {} });
});

info('info.update stores name, nickname and email; null clears; absent keys stay', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const res = await t.call('info.update', { phone, name: '王凌超', nickname: 'FatBallFish', email: 'a@b.cn' }, { token });
  assert.equal(res, { id: 1, status: 0, message: 'Successful', data: {} });
  assert.equal((await t.get(`/user/info?token=${token}`)).data, { phone, name: '王凌超', nickname: 'FatBallFish', email: 'a@b.cn', level: 1 });
  await t.call('info.update', { phone, email: null }, { token });
  assert.equal((await t.services.users.byPhone(t.services.read, phone))!.email, null);
  assert.equal((await t.services.users.byPhone(t.services.read, phone))!.name, '王凌超');
});

info('info.update of another account, or of level by a non-admin, is -103', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const victim = newPhone();
  await t.signUp(victim);
  assert.equal(await t.call('info.update', { phone: victim, name: 'x' }, { token }),
    { id: 1, status: -103, message: 'No permission to operate', data: {} });
  assert.is((await t.services.users.byPhone(t.services.read, victim))!.name, null);
  fails(await t.call('info.update', { phone, level: 9 }, { token }), 'NO_PERMISSION');
  await t.makeAdmin(phone);
  passes(await t.call('info.update', { phone, level: 9 }, { token }));
  assert.is((await t.services.users.byPhone(t.services.read, phone))!.level, 9);
});

info('info.update bad data: -3, -203, -204 for long names and bad emails; bad token -101, none -100', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  fails(await t.call('info.update', { name: 'x' }, { token }), 'DATA_KEY');
  fails(await t.call('info.update', { phone, name: 5 }, { token }), 'VALUE_TYPE');
  fails(await t.call('info.update', { phone, name: 'x'.repeat(21) }, { token }), 'VALUE');
  fails(await t.call('info.update', { phone, email: 'not-an-email' }, { token }), 'VALUE');
  fails(await t.call('info.update', { phone, level: 1.5 }, { token }), 'VALUE_TYPE');
  assert.equal(await t.call('info.update', { phone }, { token: 'f'.repeat(32), id: 5 }),
    { id: -1, status: -101, message: 'Error token', data: {} });
  assert.equal(await t.call('info.update', { phone }, { id: 5 }),
    { id: -1, status: -100, message: 'Missing necessary args', data: {} });
});

info('info.nickname looks up by user_id (the phone)', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  await t.call('info.update', { phone, nickname: 'Grandpa' }, { token });
  assert.equal(await t.call('info.nickname', { user_id: phone }, { token }),
    { id: 1, status: 0, message: 'Successful', data: { nickname: 'Grandpa' } });
  assert.equal(await t.call('info.nickname', { user_id: newPhone() }, { token }),
    { id: 1, status: 100, message: 'user not existed', data: {} });
  fails(await t.call('info.nickname', { phone }, { token }), 'DATA_KEY');
  fails(await t.call('info.nickname', { user_id: 1 }, { token }), 'VALUE_TYPE');
  fails(await t.call('info.nickname', { user_id: phone }, { token: 'bad' }), 'TOKEN_INVALID');
  fails(await t.call('info.nickname', { user_id: phone }), 'TOKEN_MISSING');
});

info('doki: 0 for a live token, 1 Token not existed for a bad one, -100 without', async () => {
  const token = await t.signUp(newPhone());
  assert.equal(await t.get(`/user/doki?token=${token}`), { id: -1, status: 0, message: 'Successful', data: {} });
  assert.equal(await t.get('/api/user/doki?token=nope'), { id: -1, status: 1, message: 'Token not existed', data: {} });
  assert.equal(await t.get('/user/doki'), { id: -1, status: -100, message: 'Missing necessary args', data: {} });
});

info.run();

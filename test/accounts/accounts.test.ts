import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { md5Hex, sha256Hex } from '../../src/services/shared/random.js';
import { fails, legacyStatus, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

let t: TestServer;
const start = async () => {
  t = await startTestServer();
};
const stop = () => t.close();

const register = suite('register.phone');
register.before(start);
register.after(stop);

register('when the SMS hash is right, then the account is created with an scrypt password hash', async () => {
  const phone = newPhone();
  const hash = await t.requestCode(phone);
  const res = await t.call('register.phone', { phone, hash, pass: 'wlc570Q0' }, { id: 0 });
  assert.equal(res, { id: 0, status: 0, message: 'Successful', data: {} });
  const row = (await t.sql.get('select * from users where phone = ?', phone)) as Record<string, unknown>;
  assert.match(String(row.password_hash), /^scrypt\$ln=10,r=8,p=1\$/);
  assert.not.ok(String(row.password_hash).includes('wlc570Q0'));
  assert.is(row.level, 1);
  assert.is(row.role, 'user');
  passes(await t.call('login.pass', { phone, pass: 'wlc570Q0' }));
});

register('a phone that exists is 101 Phone number existed', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  const hash = await t.requestCode(phone);
  const res = await t.call('register.phone', { phone, hash, pass: 'another1' });
  assert.equal(res, { id: 1, status: 101, message: 'Phone number existed', data: {} });
});

register('a wrong hash is 400 Error hash; a code works once', async () => {
  const phone = newPhone();
  const hash = await t.requestCode(phone);
  assert.equal(await t.call('register.phone', { phone, hash: md5Hex('nope'), pass: 'secret123' }),
    { id: 1, status: 400, message: 'Error hash', data: {} });
  passes(await t.call('register.phone', { phone, hash, pass: 'secret123' }));
  const other = newPhone();
  fails(await t.call('register.phone', { phone: other, hash, pass: 'secret123' }), 'HASH_ERROR');
});

register('a code is bound to its phone and its purpose', async () => {
  const a = newPhone();
  const b = newPhone();
  const hashA = await t.requestCode(a);
  fails(await t.call('register.phone', { phone: b, hash: hashA, pass: 'secret123' }), 'HASH_ERROR');
  const forgot = await t.requestCode(b, 2);
  fails(await t.call('register.phone', { phone: b, hash: forgot, pass: 'secret123' }), 'HASH_ERROR');
  assert.not.ok((await t.services.users.byPhone(t.services.read, b)));
});

register('after the code TTL the hash is -4', async () => {
  const phone = newPhone();
  const hash = await t.requestCode(phone);
  t.clock.advance(t.config.codeTtlSeconds);
  assert.equal(await t.call('register.phone', { phone, hash, pass: 'secret123' }),
    { id: 1, status: -4, message: 'Error Hash', data: {} });
  assert.not.ok((await t.services.users.byPhone(t.services.read, phone)));
});

register('five wrong tries burn the code: even the right hash is then -4', async () => {
  const phone = newPhone();
  const hash = await t.requestCode(phone);
  for (let i = 0; i < 5; i++) {
    fails(await t.call('register.phone', { phone, hash: md5Hex(`x${i}`), pass: 'secret123' }), 'HASH_ERROR');
  }
  fails(await t.call('register.phone', { phone, hash, pass: 'secret123' }), 'HASH_EXPIRED');
  assert.not.ok((await t.services.users.byPhone(t.services.read, phone)));
});

register('bad data: missing -3, wrong type -203, empty -201, malformed phone or short password -204', async () => {
  const phone = newPhone();
  const hash = md5Hex('x');
  fails(await t.call('register.phone', { phone, hash }), 'DATA_KEY');
  fails(await t.call('register.phone', { phone: 1, hash, pass: 'secret123' }), 'VALUE_TYPE');
  fails(await t.call('register.phone', { phone, hash: '', pass: 'secret123' }), 'VALUE_EMPTY');
  fails(await t.call('register.phone', { phone: '123', hash, pass: 'secret123' }), 'VALUE');
  fails(await t.call('register.phone', { phone, hash, pass: '123' }), 'VALUE');
});

register.run();

const login = suite('login.pass');
login.before(start);
login.after(stop);

login('when phone and password match, then a 32-hex token is returned and only its sha256 is stored', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  const res = await t.call('login.pass', { phone, pass: 'secret123', enduring: false }, { id: 1234 });
  assert.is(res.id, 1234);
  passes(res);
  assert.is(res.message, 'Successful');
  assert.match(res.data.token, /^[0-9a-f]{32}$/);
  const row = (await t.sql.get('select * from tokens where token_hash = ?', sha256Hex(res.data.token))) as Record<string, unknown>;
  assert.ok(row);
  assert.is(row.enduring, 0);
  const stored = (await t.sql.get('select count(*) n from tokens where token_hash = ?', res.data.token)) as { n: number };
  assert.is(stored.n, 0);
});

login('two logins in the same second both work (legacy answered 300)', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  const a = await t.login(phone);
  const b = await t.login(phone);
  assert.is.not(a, b);
});

login('enduring 1 or true is long-lived; anything else is not', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  for (const [value, expected] of [[1, 1], [true, 1], [0, 0], ['1', 0], ['yes', 0], [2, 0], [null, 0]] as const) {
    const token = await t.login(phone, 'secret123', value);
    const row = (await t.sql.get('select enduring from tokens where token_hash = ?', sha256Hex(token))) as { enduring: number };
    assert.is(row.enduring, expected, JSON.stringify(value));
  }
});

login('an unknown phone is 100, a wrong password 101', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  assert.equal(await t.call('login.pass', { phone: newPhone(), pass: 'secret123' }),
    { id: 1, status: 100, message: 'Incorrect user', data: {} });
  assert.equal(await t.call('login.pass', { phone, pass: 'wrong' }),
    { id: 1, status: 101, message: 'Error password', data: {} });
});

login('repeated wrong passwords lock the phone out with 102 and retry_after', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  for (let i = 0; i < t.config.loginMaxFailures; i++) {
    fails(await t.call('login.pass', { phone, pass: `bad${i}` }), 'WRONG_PASSWORD');
  }
  const locked = await t.call('login.pass', { phone, pass: 'secret123' });
  fails(locked, 'LOCKED');
  assert.is(locked.data.retry_after, t.config.loginFailureWindowSeconds);
  t.clock.advance(t.config.loginFailureWindowSeconds);
  passes(await t.call('login.pass', { phone, pass: 'secret123' }));
});

login('bad data: missing pass -3, numeric phone -203, empty pass -201', async () => {
  fails(await t.call('login.pass', { phone: '13800000000' }), 'DATA_KEY');
  fails(await t.call('login.pass', { phone: 13800000000, pass: 'x' }), 'VALUE_TYPE');
  fails(await t.call('login.pass', { phone: '13800000000', pass: '' }), 'VALUE_EMPTY');
});

login.run();

const password = suite('password.forget / password.change');
password.before(start);
password.after(stop);

password('forget: with a command_type 2 code the password is reset and every token ends', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const hash = await t.requestCode(phone, 2);
  const res = await t.call('password.forget', { phone, hash, pass: 'brandnew1' });
  assert.equal(res, { id: 1, status: 0, message: 'Successful', data: {} });
  legacyStatus(await t.get(`/user/doki?token=${token}`), 1);
  fails(await t.call('login.pass', { phone, pass: 'secret123' }), 'WRONG_PASSWORD');
  passes(await t.call('login.pass', { phone, pass: 'brandnew1' }));
  fails(await t.call('password.forget', { phone, hash, pass: 'again1234' }), 'HASH_ERROR');
});

password('forget: a register code is 400, an expired code -4, an unknown phone 100', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  const wrongPurpose = await t.requestCode(phone, 1);
  fails(await t.call('password.forget', { phone, hash: wrongPurpose, pass: 'brandnew1' }), 'HASH_ERROR');
  const hash = await t.requestCode(phone, 2);
  t.clock.advance(t.config.codeTtlSeconds);
  fails(await t.call('password.forget', { phone, hash, pass: 'brandnew1' }), 'HASH_EXPIRED');
  assert.equal(await t.call('password.forget', { phone: newPhone(), hash, pass: 'brandnew1' }),
    { id: 1, status: 100, message: 'Incorrect user', data: {} });
  fails(await t.call('password.forget', { phone, hash }), 'DATA_KEY');
  fails(await t.call('password.forget', { phone, hash, pass: 12345678 }), 'VALUE_TYPE');
  fails(await t.call('password.forget', { phone, hash: '', pass: 'brandnew1' }), 'VALUE_EMPTY');
});

password('change: repeated wrong old passwords lock the phone out with 102, shared with login', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  for (let i = 0; i < t.config.loginMaxFailures; i++) {
    fails(await t.call('password.change', { phone, old: `bad${i}`, new: 'abc12345' }), 'WRONG_PASSWORD');
  }
  const locked = await t.call('password.change', { phone, old: 'secret123', new: 'abc12345' });
  assert.equal(locked, { id: 1, status: 102, message: 'Too many failed attempts', data: { retry_after: t.config.loginFailureWindowSeconds } });
  fails(await t.call('login.pass', { phone, pass: 'secret123' }), 'LOCKED');
});

password('change: with the old password the new one works and every token ends', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const res = await t.call('password.change', { phone, old: 'secret123', new: 'abc12345' });
  assert.equal(res, { id: 1, status: 0, message: 'Successful', data: {} });
  legacyStatus(await t.get(`/user/doki?token=${token}`), 1);
  passes(await t.call('login.pass', { phone, pass: 'abc12345' }));
});

password('change: unknown phone 100, wrong old password 101, bad data -3/-203/-204', async () => {
  const phone = newPhone();
  await t.signUp(phone);
  assert.equal(await t.call('password.change', { phone: newPhone(), old: 'x', new: 'abc12345' }),
    { id: 1, status: 100, message: 'Incorrect user', data: {} });
  assert.equal(await t.call('password.change', { phone, old: 'nope', new: 'abc12345' }),
    { id: 1, status: 101, message: 'Error password', data: {} });
  fails(await t.call('password.change', { phone, old: 'secret123' }), 'DATA_KEY');
  fails(await t.call('password.change', { phone, old: 1, new: 'abc12345' }), 'VALUE_TYPE');
  fails(await t.call('password.change', { phone, old: 'secret123', new: 'abc' }), 'VALUE');
  passes(await t.call('login.pass', { phone, pass: 'secret123' }));
});

password.run();

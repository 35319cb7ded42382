import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { md5Hex } from '../../src/services/shared/random.js';
import { newPhone, startTestServer, type TestServer } from '../helpers.js';

const img = suite('captcha img.generate / img.validate');
let t: TestServer;
let nextCode = 'AB3K9';
img.before(async () => {
  t = await startTestServer({}, { captchaCode: () => nextCode });
});
img.after(() => t.close());

img('img.generate returns a real 120x30 PNG, base64 without prefix, and a 5-character rand', async () => {
  const res = await t.call('/captcha', 'img', 'generate', {}, { id: 8 });
  assert.is(res.id, 8);
  assert.is(res.message, 'Successful');
  assert.equal(Object.keys(res.data), ['imgdata', 'rand']);
  assert.match(res.data.rand, /^[A-Za-z0-9]{5}$/);
  assert.not.match(res.data.imgdata, /^data:/);
  const png = Buffer.from(res.data.imgdata, 'base64');
  const meta = await sharp(png).metadata();
  assert.is(meta.format, 'png');
  assert.is(meta.width, 120);
  assert.is(meta.height, 30);
  const stats = await sharp(png).stats();
  assert.ok(stats.channels[0]!.min < 100, 'the glyphs are drawn: some pixels are dark');
});

img('img.validate accepts md5(lower(code) + rand) once, then 100', async () => {
  nextCode = 'XY7M2';
  const { data } = await t.call('/captcha', 'img', 'generate', {});
  const hash = md5Hex('xy7m2' + data.rand);
  const ok = await t.call('/captcha', 'img', 'validate', { hash });
  assert.equal(ok, { id: 1, status: 0, message: 'successful', data: {} });
  const again = await t.call('/captcha', 'img', 'validate', { hash });
  assert.equal(again, { id: 1, status: 100, message: 'Error captcha hash', data: {} });
});

img('img.validate after the code TTL is -4', async () => {
  const { data } = await t.call('/captcha', 'img', 'generate', {});
  t.clock.advance(t.config.codeTtlSeconds + 1);
  const res = await t.call('/captcha', 'img', 'validate', { hash: md5Hex(nextCode.toLowerCase() + data.rand) });
  assert.is(res.status, -4);
  assert.is(res.message, 'Error Hash');
});

img('img.validate: a wrong hash is 100, a missing hash -3, a number -203, an empty string -201', async () => {
  assert.is((await t.call('/captcha', 'img', 'validate', { hash: 'f'.repeat(32) })).status, 100);
  assert.is((await t.call('/captcha', 'img', 'validate', {})).status, -3);
  assert.is((await t.call('/captcha', 'img', 'validate', { hash: 5 })).status, -203);
  assert.is((await t.call('/captcha', 'img', 'validate', { hash: '' })).status, -201);
});

img('guessing is limited per client address', async () => {
  let last;
  for (let i = 0; i < 35; i++) last = await t.call('/captcha', 'img', 'validate', { hash: md5Hex(String(i)) });
  assert.is(last!.status, 100);
  assert.type(last!.data.retry_after, 'number');
});

img.run();

const busy = suite('captcha memory bound');
busy('past CAPTCHA_MAX_PENDING unanswered captchas, img.generate is 101 until one is used', async () => {
  const b = await startTestServer({ CAPTCHA_MAX_PENDING: '2' }, { captchaCode: () => 'AAAAA' });
  const first = await b.call('/captcha', 'img', 'generate', {});
  assert.is((await b.call('/captcha', 'img', 'generate', {})).status, 0);
  assert.equal(await b.call('/captcha', 'img', 'generate', {}), { id: 1, status: 101, message: 'Too many captchas pending', data: {} });
  assert.is((await b.call('/captcha', 'img', 'validate', { hash: md5Hex('aaaaa' + first.data.rand) })).status, 0);
  assert.is((await b.call('/captcha', 'img', 'generate', {})).status, 0);
  await b.close();
});
busy.run();

const sms = suite('captcha sms.generate / sms.validate');
sms.before(async () => {
  t = await startTestServer({ SMS_IP_HOURLY: '40', SMS_IP_DAILY: '45' });
});
sms.after(() => t.close());

sms('sms.generate sends a 6-digit code through the outbox and returns rand', async () => {
  const phone = newPhone();
  const res = await t.call('/captcha', 'sms', 'generate', { phone, command_type: 1 });
  assert.is(res.status, 0);
  assert.is(res.message, 'Successful');
  assert.match(res.data.rand, /^[A-Za-z0-9]{5}$/);
  const sent = t.outbox().at(-1)!;
  assert.is(sent.phone, phone);
  assert.match(sent.code, /^\d{6}$/);
  assert.is(sent.command_type, 1);
  assert.ok(Date.parse(sent.time) > 0);
  const row = (await t.sql.get('select * from sms_codes where phone = ?', phone)) as { hash: string; purpose: number };
  assert.is(row.hash, md5Hex(sent.code + res.data.rand));
  assert.is(row.purpose, 1);
});

sms('command_type defaults to 1; 2 to 5 are the other purposes; 6 is refused with -204', async () => {
  const phone = newPhone();
  await t.call('/captcha', 'sms', 'generate', { phone });
  assert.is(t.outbox().at(-1)!.command_type, 1);
  t.clock.advance(31);
  await t.call('/captcha', 'sms', 'generate', { phone, command_type: 2 });
  assert.is(t.outbox().at(-1)!.command_type, 2);
  for (const purpose of [3, 4, 5]) {
    t.clock.advance(31);
    assert.is((await t.call('/captcha', 'sms', 'generate', { phone, command_type: purpose })).status, 0);
    assert.is(t.outbox().at(-1)!.command_type, purpose);
  }
  assert.is((await t.call('/captcha', 'sms', 'generate', { phone, command_type: 6 })).status, -204);
  assert.is((await t.call('/captcha', 'sms', 'generate', { phone, command_type: 0 })).status, -204);
  assert.is((await t.call('/captcha', 'sms', 'generate', { phone, command_type: '2' })).status, -203);
});

sms('a phone that is not a mainland mobile number is 1016', async () => {
  for (const phone of ['12345', '23800000000', '1380000000a', '+8613800000000', '138000000001']) {
    const res = await t.call('/captcha', 'sms', 'generate', { phone });
    assert.is(res.status, 1016, phone);
    assert.is(res.message, '手机号格式错误');
  }
  assert.is((await t.call('/captcha', 'sms', 'generate', {})).status, -3);
  assert.is((await t.call('/captcha', 'sms', 'generate', { phone: 13800000000 })).status, -203);
  assert.is((await t.call('/captcha', 'sms', 'generate', { phone: '' })).status, -201);
});

sms('a second code within 30 s is 1023 with retry_after', async () => {
  const phone = newPhone();
  assert.is((await t.call('/captcha', 'sms', 'generate', { phone })).status, 0);
  t.clock.advance(10);
  const res = await t.call('/captcha', 'sms', 'generate', { phone });
  assert.is(res.status, 1023);
  assert.equal(res.data, { retry_after: 20 });
  t.clock.advance(20);
  assert.is((await t.call('/captcha', 'sms', 'generate', { phone })).status, 0);
});

sms('the sixth code in an hour is 1024, the eleventh in a day 1025', async () => {
  const phone = newPhone();
  for (let i = 0; i < 5; i++) {
    assert.is((await t.call('/captcha', 'sms', 'generate', { phone })).status, 0);
    t.clock.advance(60);
  }
  const hourly = await t.call('/captcha', 'sms', 'generate', { phone });
  assert.is(hourly.status, 1024);
  assert.is(hourly.data.retry_after, 3600 - 300);
  for (let i = 0; i < 5; i++) {
    t.clock.advance(3600);
    assert.is((await t.call('/captcha', 'sms', 'generate', { phone })).status, 0, `hour ${i}`);
  }
  t.clock.advance(3600);
  const daily = await t.call('/captcha', 'sms', 'generate', { phone });
  assert.is(daily.status, 1025);
  assert.ok(daily.data.retry_after > 0 && daily.data.retry_after <= 86400);
});

sms('sending is limited per client address too', async () => {
  t.clock.advance(2 * 86400);
  const results: number[] = [];
  for (let i = 0; i < 41; i++) results.push((await t.call('/captcha', 'sms', 'generate', { phone: newPhone() })).status);
  assert.equal(results.slice(0, 40), Array(40).fill(0));
  assert.is(results[40], 1024);
});

sms('sms.validate: a live hash is 0 and stays usable, a wrong one 100, an expired one -4', async () => {
  t.clock.advance(2 * 86400);
  const phone = newPhone();
  const hash = await t.requestCode(phone);
  assert.equal(await t.call('/captcha', 'sms', 'validate', { hash }), { id: 1, status: 0, message: 'successful', data: {} });
  assert.is((await t.call('/captcha', 'sms', 'validate', { hash })).status, 0);
  assert.is((await t.call('/captcha', 'sms', 'validate', { hash: md5Hex('x') })).status, 100);
  t.clock.advance(t.config.codeTtlSeconds);
  assert.is((await t.call('/captcha', 'sms', 'validate', { hash })).status, -4);
  assert.is((await t.call('/captcha', 'sms', 'validate', { hash: 1 })).status, -203);
  assert.is((await t.call('/captcha', 'sms', 'validate', {})).status, -3);
});

sms.run();

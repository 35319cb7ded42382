import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { md5Hex } from '../../src/services/shared/random.js';
import { fails, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

const img = suite('captcha img.generate / img.validate');
let t: TestServer;
let nextCode = 'AB3K9';
img.before(async () => {
  t = await startTestServer({}, { captchaCode: () => nextCode });
});
img.after(() => t.close());

img('img.generate returns a real 120x30 PNG, base64 without prefix, and a 5-character rand', async () => {
  const res = await t.call('img.generate', {}, { id: 8 });
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
  const { data } = await t.call('img.generate', {});
  const hash = md5Hex('xy7m2' + data.rand);
  const ok = await t.call('img.validate', { hash });
  assert.equal(ok, { id: 1, status: 0, message: 'successful', data: {} });
  const again = await t.call('img.validate', { hash });
  assert.equal(again, { id: 1, status: 100, message: 'Error captcha hash', data: {} });
});

img('img.validate after the code TTL is -4', async () => {
  const { data } = await t.call('img.generate', {});
  t.clock.advance(t.config.codeTtlSeconds + 1);
  const res = await t.call('img.validate', { hash: md5Hex(nextCode.toLowerCase() + data.rand) });
  fails(res, 'HASH_EXPIRED');
  assert.is(res.message, 'Error Hash');
});

img('img.validate: a wrong hash is 100, a missing hash -3, a number -203, an empty string -201', async () => {
  fails(await t.call('img.validate', { hash: 'f'.repeat(32) }), 'CAPTCHA_MISMATCH');
  fails(await t.call('img.validate', {}), 'DATA_KEY');
  fails(await t.call('img.validate', { hash: 5 }), 'VALUE_TYPE');
  fails(await t.call('img.validate', { hash: '' }), 'VALUE_EMPTY');
});

img('guessing is limited per client address', async () => {
  let last;
  for (let i = 0; i < 35; i++) last = await t.call('img.validate', { hash: md5Hex(String(i)) });
  assert.is(last!.status, 100);
  assert.type(last!.data.retry_after, 'number');
});

img.run();

const busy = suite('captcha memory bound');
busy('past CAPTCHA_MAX_PENDING unanswered captchas, img.generate is 101 until one is used', async () => {
  const b = await startTestServer({ CAPTCHA_MAX_PENDING: '2' }, { captchaCode: () => 'AAAAA' });
  const first = await b.call('img.generate', {});
  passes(await b.call('img.generate', {}));
  assert.equal(await b.call('img.generate', {}), { id: 1, status: 101, message: 'Too many captchas pending', data: {} });
  passes(await b.call('img.validate', { hash: md5Hex('aaaaa' + first.data.rand) }));
  passes(await b.call('img.generate', {}));
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
  const res = await t.call('sms.generate', { phone, command_type: 1 });
  passes(res);
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
  await t.call('sms.generate', { phone });
  assert.is(t.outbox().at(-1)!.command_type, 1);
  t.clock.advance(31);
  await t.call('sms.generate', { phone, command_type: 2 });
  assert.is(t.outbox().at(-1)!.command_type, 2);
  for (const purpose of [3, 4, 5]) {
    t.clock.advance(31);
    passes(await t.call('sms.generate', { phone, command_type: purpose }));
    assert.is(t.outbox().at(-1)!.command_type, purpose);
  }
  fails(await t.call('sms.generate', { phone, command_type: 6 }), 'VALUE');
  fails(await t.call('sms.generate', { phone, command_type: 0 }), 'VALUE');
  fails(await t.call('sms.generate', { phone, command_type: '2' }), 'VALUE_TYPE');
});

sms('a phone that is not a mainland mobile number is 1016', async () => {
  for (const phone of ['12345', '23800000000', '1380000000a', '+8613800000000', '138000000001']) {
    const res = await t.call('sms.generate', { phone });
    fails(res, 'PHONE_FORMAT', phone);
    assert.is(res.message, '手机号格式错误');
  }
  fails(await t.call('sms.generate', {}), 'DATA_KEY');
  fails(await t.call('sms.generate', { phone: 13800000000 }), 'VALUE_TYPE');
  fails(await t.call('sms.generate', { phone: '' }), 'VALUE_EMPTY');
});

sms('a second code within 30 s is 1023 with retry_after', async () => {
  const phone = newPhone();
  passes(await t.call('sms.generate', { phone }));
  t.clock.advance(10);
  const res = await t.call('sms.generate', { phone });
  fails(res, 'SMS_LIMIT_30S');
  assert.equal(res.data, { retry_after: 20 });
  t.clock.advance(20);
  passes(await t.call('sms.generate', { phone }));
});

sms('the sixth code in an hour is 1024, the eleventh in a day 1025', async () => {
  const phone = newPhone();
  for (let i = 0; i < 5; i++) {
    passes(await t.call('sms.generate', { phone }));
    t.clock.advance(60);
  }
  const hourly = await t.call('sms.generate', { phone });
  fails(hourly, 'SMS_LIMIT_HOUR');
  assert.is(hourly.data.retry_after, 3600 - 300);
  for (let i = 0; i < 5; i++) {
    t.clock.advance(3600);
    passes(await t.call('sms.generate', { phone }), `hour ${i}`);
  }
  t.clock.advance(3600);
  const daily = await t.call('sms.generate', { phone });
  fails(daily, 'SMS_LIMIT_DAY');
  assert.ok(daily.data.retry_after > 0 && daily.data.retry_after <= 86400);
});

sms('sending is limited per client address too', async () => {
  t.clock.advance(2 * 86400);
  const results: number[] = [];
  for (let i = 0; i < 41; i++) results.push((await t.call('sms.generate', { phone: newPhone() })).status);
  assert.equal(results.slice(0, 40), Array(40).fill(0));
  assert.is(results[40], 1024);
});

sms('sms.validate: a live hash is 0 and stays usable, a wrong one 100, an expired one -4', async () => {
  t.clock.advance(2 * 86400);
  const phone = newPhone();
  const hash = await t.requestCode(phone);
  assert.equal(await t.call('sms.validate', { hash }), { id: 1, status: 0, message: 'successful', data: {} });
  passes(await t.call('sms.validate', { hash }));
  fails(await t.call('sms.validate', { hash: md5Hex('x') }), 'CAPTCHA_MISMATCH');
  t.clock.advance(t.config.codeTtlSeconds);
  fails(await t.call('sms.validate', { hash }), 'HASH_EXPIRED');
  fails(await t.call('sms.validate', { hash: 1 }), 'VALUE_TYPE');
  fails(await t.call('sms.validate', {}), 'DATA_KEY');
});

sms.run();

import crypto from 'node:crypto';
import http from 'node:http';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

let t: TestServer;
let admin: string;
let user: string;
const upgradeCalls = suite('upgrade.upload / upgrade.check / GET /dist');
upgradeCalls.before(async () => {
  t = await startTestServer();
  const phone = newPhone();
  admin = await t.signUp(phone);
  await t.makeAdmin(phone);
  user = await t.signUp(newPhone());
});
upgradeCalls.after(() => t.close());

const pkg = (n: number) => crypto.randomBytes(n);
const publish = (data: Record<string, unknown>, token = admin) => t.call('upgrade.upload', data, { token });
const check = (data: Record<string, unknown> = {}) => t.call('upgrade.check', data);

upgradeCalls('with nothing published, check is 100 No upgrade package', async () => {
  assert.equal(await check(), { id: 1, status: 100, message: 'No upgrade package', data: {} });
});

upgradeCalls('versions compare numerically: 1.10.0 is newer than 1.9.2, whatever the upload order', async () => {
  const a = pkg(5000);
  const b = pkg(7000);
  const up1 = await publish({ version: '1.10.0', platform: 'android', desc: 'fixes', base64: a.toString('base64'), filename: 'app.apk' });
  passes(up1);
  assert.match(up1.data.path, /^\/dist\/android-1\.10\.0-[0-9a-f]{8}\.apk$/);
  passes(await publish({ version: '1.9.2', platform: 'android', base64: b.toString('base64') }));
  const res = await check({ platform: 'android', current: '1.9.2' });
  passes(res);
  assert.equal(Object.keys(res.data), ['version', 'path', 'full_path', 'release_time', 'desc', 'size', 'sha256', 'platform', 'newer']);
  assert.is(res.data.version, '1.10.0');
  assert.is(res.data.newer, true);
  assert.is(res.data.size, 5000);
  assert.is(res.data.sha256, crypto.createHash('sha256').update(a).digest('hex'));
  assert.is(res.data.full_path, `${t.url}${res.data.path}`);
  assert.match(res.data.release_time, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  assert.is((await check({ platform: 'android', current: '1.10.0' })).data.newer, false);
  assert.is((await check({ platform: 'android', current: '1.10.1' })).data.newer, false);
  fails(await check({ platform: 'ios' }), 'NO_PACKAGE');
});

upgradeCalls('a duplicate version is refused (also when written differently: 1.10 = 1.10.0)', async () => {
  assert.equal(await publish({ version: '1.10.0', platform: 'android', base64: pkg(10).toString('base64') }), { id: 1, status: 101, message: 'Version existed', data: {} });
  assert.is((await publish({ version: '1.10', platform: 'android', base64: pkg(10).toString('base64') })).status, 101);
  passes(await publish({ version: '1.10.0', platform: 'camera', base64: pkg(10).toString('base64') }), 'another platform may');
});

upgradeCalls('the package downloads whole, in ranges, and with ETag revalidation', async () => {
  const body = pkg(100_000);
  await publish({ version: '7.0.0', platform: 'band', base64: body.toString('base64') });
  const info = (await check({ platform: 'band' })).data;
  const whole = await fetch(`${t.url}${info.path}`);
  assert.is(whole.status, 200);
  const bytes = Buffer.from(await whole.arrayBuffer());
  assert.is(crypto.createHash('sha256').update(bytes).digest('hex'), info.sha256);
  const etag = whole.headers.get('etag')!;
  assert.ok(etag);
  assert.is(whole.headers.get('accept-ranges'), 'bytes');

  const parts: Buffer[] = [];
  for (let start = 0; start < body.length; start += 30_000) {
    const end = Math.min(start + 29_999, body.length - 1);
    const res = await fetch(`${t.url}/api${info.path}`, { headers: { Range: `bytes=${start}-${end}` } });
    assert.is(res.status, 206);
    assert.is(res.headers.get('content-range'), `bytes ${start}-${end}/${body.length}`);
    parts.push(Buffer.from(await res.arrayBuffer()));
  }
  assert.ok(Buffer.concat(parts).equals(body));
  // node:http, not fetch: fetch adds Cache-Control: no-cache to conditional requests, which rightly forbids a 304
  const revalidated = await new Promise<number>((resolve, reject) => {
    http.get(`${t.url}${info.path}`, { headers: { 'If-None-Match': etag } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject);
  });
  assert.is(revalidated, 304);
  assert.is((await fetch(`${t.url}${info.path}`, { headers: { Range: `bytes=${body.length + 5}-` } })).status, 416);
  assert.is((await fetch(`${t.url}/dist/..%2Fhelpaged.sqlite`)).status, 404);
});

upgradeCalls('a platform-less package serves every platform', async () => {
  await publish({ version: '99.0', base64: pkg(10).toString('base64') });
  assert.is((await check({ platform: 'ios' })).data.version, '99.0');
  assert.is((await check()).data.version, '99.0');
});

upgradeCalls('only admins publish (-103); bad data: -3, -204 version, -203, neither base64 nor file_id -3', async () => {
  fails(await publish({ version: '1.0', base64: 'AAAA' }, user), 'NO_PERMISSION');
  fails(await publish({ version: '1.0', base64: 'AAAA' }, 'f'.repeat(32)), 'TOKEN_INVALID');
  fails(await t.call('upgrade.upload', { version: '1.0', base64: 'AAAA' }), 'TOKEN_MISSING');
  fails(await publish({ base64: 'AAAA' }), 'DATA_KEY');
  fails(await publish({ version: 'v1.0-beta', base64: 'AAAA' }), 'VALUE');
  fails(await publish({ version: 1, base64: 'AAAA' }), 'VALUE_TYPE');
  fails(await publish({ version: '1.0' }), 'DATA_KEY');
  assert.is((await publish({ version: '3.0', file_id: 'a'.repeat(32) })).status, 102);
  fails(await check({ current: 'latest' }), 'VALUE');
});

upgradeCalls.run();

import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { realFileOps } from '../../src/services/media/files.js';
import { fails, jpeg, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

let t: TestServer;
const portraitCalls = suite('portrait.upload and GET /get/portrait/<user_id>');
portraitCalls.before(async () => {
  t = await startTestServer({ PORTRAIT_REFERER_ALLOW: 'www.helpaged.cn,localhost' });
});
portraitCalls.after(() => t.close());

const fetchPortrait = (id: string, headers: Record<string, string> = {}) => fetch(`${t.url}/api/get/portrait/${id}`, { headers });
const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());
const portraitFiles = () => fs.readdirSync(path.join(t.dataDir, 'portraits'), { recursive: true }).map(String).filter((f) => f.endsWith('.jpg'));

portraitCalls('a portrait is re-encoded (bounded, upright, no metadata) and served as image/jpeg with an ETag', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const original = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#3366aa' } })
    .withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'secret-gps-here' } } }).jpeg().toBuffer();
  const res = await t.call('portrait.upload', { base64: `data:image/jpg;base64,${original.toString('base64')}` }, { token, id: 1234 });
  assert.equal(res, { id: 1234, status: 0, message: 'Successful', data: { url: `./api/get/portrait/${phone}` } });
  const got = await fetchPortrait(phone);
  assert.is(got.status, 200);
  assert.is(got.headers.get('content-type'), 'image/jpeg');
  assert.match(String(got.headers.get('etag')), /^"[0-9a-f]{32}"$/);
  const body = await bytesOf(got);
  const meta = await sharp(body).metadata();
  assert.is(meta.format, 'jpeg');
  assert.ok(Math.max(meta.width!, meta.height!) <= t.config.portraitMaxSide);
  assert.is(meta.width, 288, 'rotated upright by its EXIF orientation, then bounded');
  assert.is(meta.exif, undefined);
  assert.not.ok(body.includes('secret-gps-here'));
});

portraitCalls('If-None-Match with the current ETag is 304; a new upload replaces the old one and its file', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  await t.call('portrait.upload', { base64: (await jpeg(20)).toString('base64') }, { token });
  const first = await fetchPortrait(phone);
  const etag = first.headers.get('etag')!;
  assert.is((await fetchPortrait(phone, { 'If-None-Match': etag })).status, 304);
  const userId = (await t.services.users.byPhone(t.services.read, phone))!.id;
  const before = portraitFiles().filter((f) => path.basename(f).startsWith(`${userId}-`));
  assert.is(before.length, 1);
  await t.call('portrait.upload', { base64: (await jpeg(20)).toString('base64') }, { token });
  const second = await fetchPortrait(phone, { 'If-None-Match': etag });
  assert.is(second.status, 200);
  assert.is.not(second.headers.get('etag'), etag);
  const after = portraitFiles().filter((f) => path.basename(f).startsWith(`${userId}-`));
  assert.is(after.length, 1);
  assert.is.not(after[0], before[0]);
});

portraitCalls('a foreign Referer gets the ban image; allowed hosts, this host and no Referer get the portrait', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  await t.call('portrait.upload', { base64: (await jpeg(10)).toString('base64') }, { token });
  const portrait = await bytesOf(await fetchPortrait(phone));
  const ban = t.services.placeholders.ban.bytes;
  assert.ok((await bytesOf(await fetchPortrait(phone, { Referer: 'https://evil.example/page' }))).equals(ban));
  assert.ok((await bytesOf(await fetchPortrait(phone, { Referer: 'not a url' }))).equals(ban));
  assert.ok((await bytesOf(await fetchPortrait(phone, { Referer: 'http://www.helpaged.cn/app' }))).equals(portrait));
  assert.ok((await bytesOf(await fetchPortrait(phone, { Referer: `${t.url}/index.html` }))).equals(portrait));
  assert.ok((await bytesOf(await fetchPortrait(phone))).equals(portrait));
});

portraitCalls('an unknown well-formed id gets the default image, a malformed one the error image', async () => {
  const unknown = await fetchPortrait('13000000000');
  assert.is(unknown.headers.get('content-type'), 'image/jpeg');
  assert.ok((await bytesOf(unknown)).equals(t.services.placeholders.default.bytes));
  const noPortrait = newPhone();
  await t.signUp(noPortrait);
  assert.ok((await bytesOf(await fetchPortrait(noPortrait))).equals(t.services.placeholders.default.bytes));
  for (const bad of ['abc', '1380000000x', '..%2F..%2Fetc']) {
    const res = await fetchPortrait(bad);
    assert.is(res.status, 200, bad);
    assert.ok((await bytesOf(res)).equals(t.services.placeholders.error.bytes), bad);
  }
  for (const img of Object.values(t.services.placeholders)) assert.is((await sharp(img.bytes).metadata()).format, 'jpeg');
});

portraitCalls('portrait.upload refuses non-images (100), pixel floods (101); tokens -101/-100; data -3/-203', async () => {
  const token = await t.signUp(newPhone());
  const bomb = await sharp({ create: { width: 9000, height: 9000, channels: 3, background: '#fff' } }).png({ compressionLevel: 9 }).toBuffer();
  assert.equal(await t.call('portrait.upload', { base64: Buffer.from('plain text').toString('base64') }, { token }),
    { id: 1, status: 100, message: 'Image is not a readable JPEG, PNG or WebP', data: {} });
  fails(await t.call('portrait.upload', { base64: '!!!' }, { token }), 'IMAGE_INVALID');
  assert.equal(await t.call('portrait.upload', { base64: bomb.toString('base64') }, { token }),
    { id: 1, status: 101, message: 'Image too large', data: {} });
  fails(await t.call('portrait.upload', { base64: 'x' }, { token: 'nope' }), 'TOKEN_INVALID');
  fails(await t.call('portrait.upload', { base64: 'x' }), 'TOKEN_MISSING');
  fails(await t.call('portrait.upload', {}, { token }), 'DATA_KEY');
  fails(await t.call('portrait.upload', { base64: [] }, { token }), 'VALUE_TYPE');
});

portraitCalls('deleting an account removes its bindings and portrait; its device keeps its notices', async () => {
  const adminPhone = newPhone();
  const admin = await t.signUp(adminPhone);
  await t.makeAdmin(adminPhone);
  const phone = newPhone();
  const token = await t.signUp(phone);
  const camera = await t.addDevice(token);
  await t.upload(camera, await jpeg(5));
  await t.call('portrait.upload', { base64: (await jpeg(10)).toString('base64') }, { token });
  const id = (await t.services.users.byPhone(t.services.read, phone))!.id;
  passes(await t.call('user.delete', { phone }, { token: admin }));
  const count = async (sql: string) => ((await t.sql.get(sql, id)) as { n: number }).n;
  assert.is(await count('select count(*) n from bindings where user_id = ?'), 0);
  assert.is(await count('select count(*) n from portraits where user_id = ?'), 0);
  assert.is(portraitFiles().filter((f) => path.basename(f).startsWith(`${id}-`)).length, 0);
  assert.ok((await bytesOf(await fetchPortrait(phone))).equals(t.services.placeholders.default.bytes));
  const notices = (await t.sql.get('select count(*) n from notices n join devices d on d.id = n.device_id where d.device_id = ?', camera)) as { n: number };
  assert.is(notices.n, 1);
  const family = await t.signUp(newPhone());
  await t.bind(family, camera);
  assert.is((await t.call('notice.get', { mode: 2 }, { token: family })).data.num, 1);
});

portraitCalls.run();

const disk = suite('portrait on a failing disk');
disk('a portrait whose write fails answers -500 and keeps the old one', async () => {
  let failing = false;
  const d = await startTestServer({}, {
    fileOps: {
      ...realFileOps,
      writeDurable: (file, bytes) => (failing ? Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })) : realFileOps.writeDurable(file, bytes)),
    },
  });
  const phone = newPhone();
  const token = await d.signUp(phone);
  passes(await d.call('portrait.upload', { base64: (await jpeg(10)).toString('base64') }, { token }));
  const before = Buffer.from(await (await fetch(`${d.url}/get/portrait/${phone}`)).arrayBuffer());
  failing = true;
  assert.equal(await d.call('portrait.upload', { base64: (await jpeg(10)).toString('base64') }, { token }),
    { id: 1, status: -500, message: 'COS upload Error', data: {} });
  const after = Buffer.from(await (await fetch(`${d.url}/get/portrait/${phone}`)).arrayBuffer());
  assert.ok(after.equals(before));
  assert.equal(fs.readdirSync(path.join(d.dataDir, 'portraits', '.tmp')), []);
  await d.close();
});
disk.run();

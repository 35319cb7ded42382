import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Envelope, jpeg, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';
import { startS3 } from '../support/s3.js';

const test = suite('S3_BUCKET: stored files live in an S3-compatible bucket (s3rver)');
let s3: Awaited<ReturnType<typeof startS3>>;
let t: TestServer;
let token: string;
let camera: string;
const SDK_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] as const;

test.before(async () => {
  s3 = await startS3();
  // the SDK takes its credentials from the environment, as it would in production
  for (const k of SDK_ENV) process.env[k] = s3.env[k];
  const { S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE } = s3.env;
  t = await startTestServer({ S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE });
  const phone = newPhone();
  token = await t.signUp(phone);
  await t.makeAdmin(phone);
  camera = await t.addDevice(token);
});
test.after(async () => {
  await t.close();
  await s3.remove();
  for (const k of SDK_ENV) delete process.env[k];
});

const localFiles = (kind: string) => {
  const dir = path.join(t.dataDir, kind);
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => !f.startsWith('.tmp') && fs.statSync(path.join(dir, f)).isFile()) : [];
};

test('a fall photo is in the bucket, byte-identical, before the camera is answered; notice.info reads it back', async () => {
  const photo = await jpeg(40);
  const up = await t.upload(camera, photo);
  passes(up);
  const key = `notices/${up.data.pic_name}`;
  assert.ok((await s3.keys('notices/')).includes(key));
  assert.ok((await s3.get(key)).equals(photo), 'stored as sent');
  const item = (await t.call('notice.get', { mode: 2 }, { token })).data.list[0];
  const info = await t.call('notice.info', { event_id: item.event_id }, { token });
  assert.ok(Buffer.from(info.data.base64, 'base64').equals(photo));
  assert.equal(localFiles('notices'), [], 'nothing under DATA_DIR');
  assert.is((await fetch(`${t.url}/health/ready`)).status, 200);
});

test('the console\'s photo variants are made once into the bucket (photos/), beside the original, and served from there', async () => {
  const up = await t.upload(camera, await jpeg(40, 1600, 900));
  passes(up);
  const item = (await t.call('notice.get', { mode: 2 }, { token })).data.list[0];
  const got = async (size: string) => {
    const res = await fetch(`${t.url}/app/photo/${item.event_id}${size}`, { headers: { cookie: `helpaged_session=${token}`, accept: 'image/webp' } });
    assert.is(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  };
  const full = await got('');
  const list = await got('?size=list');
  assert.equal((await s3.keys('photos/')).filter((k) => k.includes(up.data.pic_name)).sort(),
    [`photos/${up.data.pic_name}-full`, `photos/${up.data.pic_name}-list-webp`]);
  assert.ok((await s3.get(`photos/${up.data.pic_name}-full`)).equals(full));
  assert.ok((await s3.get(`photos/${up.data.pic_name}-list-webp`)).equals(list));
  assert.equal(localFiles('photos'), [], 'nothing under DATA_DIR');
});

test('while the bucket is away: -500 COS upload Error, no row left, not ready; back by itself', async () => {
  const rows = async () => (await t.sql.get<{ n: number }>('select count(*) n from notices')).n;
  const before = await rows();
  await s3.stop();
  try {
    const up = await t.upload(camera, await jpeg(10));
    assert.equal({ status: up.status, message: up.message }, { status: -500, message: 'COS upload Error' });
    assert.is(await rows(), before, 'no row for a photo that was not stored');
    const ready = await fetch(`${t.url}/health/ready`);
    assert.is(ready.status, 503);
    assert.equal(await ready.json(), { ready: false, reason: 'bucket' });
  } finally {
    await s3.start();
  }
  passes(await t.upload(camera, await jpeg(10)));
  assert.is(await rows(), before + 1);
  assert.is((await fetch(`${t.url}/health/ready`)).status, 200);
});

test('portraits, two-step uploads and packages are kept in and served from the bucket (Range, ETag, 304)', async () => {
  const phone = newPhone();
  const user = await t.signUp(phone);
  passes(await t.call('portrait.upload', { base64: (await jpeg(20)).toString('base64') }, { token: user }));
  const portrait = await fetch(`${t.url}/api/get/portrait/${phone}`);
  assert.is(portrait.status, 200);
  assert.is(portrait.headers.get('content-type'), 'image/jpeg');
  const served = Buffer.from(await portrait.arrayBuffer());
  const portraitKeys = await s3.keys('portraits/');
  assert.is(portraitKeys.length, 1);
  assert.ok((await s3.get(portraitKeys[0]!)).equals(served), 'the portrait served is the object stored');

  const body = crypto.randomBytes(300_000);
  const grant = await t.call('file.params', { module: 'upgrade', filename: 'fw.bin', size: body.length }, { token });
  const form = new FormData();
  for (const [k, v] of Object.entries(grant.data.form_data as Record<string, string>)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(body)]), 'fw.bin');
  passes((await (await fetch(grant.data.upload_url, { method: 'POST', body: form })).json()) as Envelope);
  assert.equal(await s3.keys('uploads/'), [`uploads/${grant.data.file_id}`]);
  const back = await fetch(`${grant.data.file_url}?token=${token}`);
  assert.ok(Buffer.from(await back.arrayBuffer()).equals(body), '/file/ from the bucket');

  const pub = await t.call('upgrade.upload', { version: '9.0.0', platform: 'camera', file_id: grant.data.file_id }, { token });
  passes(pub);
  assert.equal(await s3.keys('uploads/'), [], 'the upload is used up');
  assert.ok((await s3.keys('dist/')).includes(`dist${pub.data.path.slice('/dist'.length)}`));
  const whole = await fetch(`${t.url}${pub.data.path}`);
  assert.is(whole.status, 200);
  assert.ok(Buffer.from(await whole.arrayBuffer()).equals(body), '/dist/ from the bucket');
  const etag = whole.headers.get('etag')!;
  assert.ok(etag);
  const part = await fetch(`${t.url}${pub.data.path}`, { headers: { range: 'bytes=100-199' } });
  assert.is(part.status, 206);
  assert.is(part.headers.get('content-range'), `bytes 100-199/${body.length}`);
  assert.ok(Buffer.from(await part.arrayBuffer()).equals(body.subarray(100, 200)));
  assert.is((await fetch(`${t.url}${pub.data.path}`, { headers: { 'if-none-match': etag } })).status, 304);
  assert.is((await fetch(`${t.url}/dist/no-such.bin`)).status, 404);
  assert.equal(localFiles('dist'), [], 'nothing under DATA_DIR');
});

test('objects no row names are removed once older than the grace period, never younger ones, never named ones', async () => {
  const stray = `notices/${crypto.randomBytes(16).toString('hex')}`;
  await s3.put(stray, await jpeg(5));
  const named = (await s3.keys('notices/')).filter((k) => k !== stray);
  // the grace period counts from now: the stray object is too young
  assert.is(await t.services.noticeRecovery.sweepOrphans(Date.now() - 600_000), 0);
  assert.ok((await s3.keys('notices/')).includes(stray));
  // as if the grace period had passed for everything stored so far
  assert.is(await t.services.noticeRecovery.sweepOrphans(Date.now() + 1000), 1);
  assert.equal(await s3.keys('notices/'), named, 'only the stray object went');
});

test.run();

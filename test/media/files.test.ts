import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fails, jpeg, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

let t: TestServer;
let admin: string;
let user: string;
const twoStepUpload = suite('file.params and the multipart upload');
twoStepUpload.before(async () => {
  t = await startTestServer({ FILE_GRANT_SECONDS: '60' });
  const phone = newPhone();
  admin = await t.signUp(phone);
  await t.makeAdmin(phone);
  user = await t.signUp(newPhone());
});
twoStepUpload.after(() => t.close());

const params = (data: Record<string, unknown>, token = admin) => t.call('file.params', data, { token });

/** The upload as a browser form does it: the grant's fields, then the file. */
async function send(p: { upload_url: string; form_data: Record<string, string>; file_field: string }, bytes: Buffer, filename = 'f.bin') {
  const form = new FormData();
  for (const [k, v] of Object.entries(p.form_data)) form.append(k, v);
  form.append(p.file_field, new Blob([new Uint8Array(bytes)]), filename);
  const res = await fetch(p.upload_url, { method: 'POST', body: form });
  return { http: res.status, json: await res.json() };
}

const leftovers = () => {
  const dir = path.join(t.dataDir, 'uploads');
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => !fs.statSync(path.join(dir, f)).isDirectory());
};

twoStepUpload('file.params returns a single-use signed grant; the file uploads and publishes a package by file_id', async () => {
  const body = crypto.randomBytes(300_000);
  const res = await params({ module: 'upgrade', filename: 'camera-fw.bin', size: body.length });
  passes(res);
  assert.equal(Object.keys(res.data), ['upload_url', 'file_url', 'form_data', 'file_field', 'file_id']);
  assert.is(res.data.upload_url, `${t.url}/api/file/upload`);
  assert.equal(Object.keys(res.data.form_data), ['grant', 'expires', 'signature']);
  assert.is(res.data.file_field, 'file');

  const up = await send(res.data, body, 'camera-fw.bin');
  assert.is(up.http, 200);
  assert.equal(up.json, { id: -1, status: 0, message: 'successful', data: {
    file_id: res.data.file_id, filename: 'camera-fw.bin', size: body.length, sha256: crypto.createHash('sha256').update(body).digest('hex'),
  } });
  const back = await fetch(`${res.data.file_url}?token=${admin}`);
  assert.ok(Buffer.from(await back.arrayBuffer()).equals(body), 'file_url gives the file to its owner');
  assert.is((await fetch(`${res.data.file_url}?token=${user}`)).status, 404);

  const again = await send(res.data, body);
  assert.equal(again.json, { id: -1, status: 100, message: 'Invalid or expired upload grant', data: {} });

  const pub = await t.call('upgrade.upload', { version: '2.0.0', platform: 'camera', file_id: res.data.file_id }, { token: admin });
  passes(pub);
  assert.match(pub.data.path, /\.bin$/);
  const dl = Buffer.from(await (await fetch(`${t.url}${pub.data.path}`)).arrayBuffer());
  assert.ok(dl.equals(body));
  assert.equal(leftovers(), [], 'the upload is used up');
});

twoStepUpload('a file over its declared size is cut off: 413, nothing left on disk, the grant spent', async () => {
  const res = await params({ module: 'upgrade', filename: 'big.bin', size: 100_000 });
  const up = await send(res.data, crypto.randomBytes(2_000_000));
  assert.is(up.http, 413);
  assert.is(up.json.status, 101);
  assert.equal(leftovers(), []);
  assert.is(((await t.sql.get('select count(*) n from files where id = ?', res.data.file_id)) as { n: number }).n, 0);
  assert.is((await send(res.data, crypto.randomBytes(10))).json.status, 100);
});

twoStepUpload('an expired, tampered or missing grant is 100; a form without a file 102', async () => {
  const res = await params({ module: 'upgrade', filename: 'x.bin', size: 100 });
  const tampered = { ...res.data, form_data: { ...res.data.form_data, expires: String(Number(res.data.form_data.expires) + 3600) } };
  assert.is((await send(tampered, crypto.randomBytes(10))).json.status, 100);
  assert.is((await send({ ...res.data, form_data: {} }, crypto.randomBytes(10))).json.status, 100);
  const form = new FormData();
  for (const [k, v] of Object.entries(res.data.form_data as Record<string, string>)) form.append(k, v);
  const noFile = await fetch(res.data.upload_url, { method: 'POST', body: form });
  assert.is((await noFile.json()).status, 102);
  const notMultipart = await fetch(res.data.upload_url, { method: 'POST', body: 'hello' });
  assert.is((await notMultipart.json()).status, 102);
  const late = await params({ module: 'upgrade', filename: 'y.bin', size: 100 });
  t.clock.advance(t.config.fileGrantSeconds + 1);
  assert.is((await send(late.data, crypto.randomBytes(10))).json.status, 100);
});

twoStepUpload('a portrait can come as an avatar upload (file_id) instead of base64', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const img = await jpeg(30);
  const res = await params({ module: 'avatar', filename: 'me.jpg', size: img.length }, token);
  assert.is((await send(res.data, img, 'me.jpg')).json.status, 0);
  const set = await t.call('portrait.upload', { file_id: res.data.file_id }, { token });
  assert.equal(set, { id: 1, status: 0, message: 'Successful', data: { url: `./api/get/portrait/${phone}` } });
  const got = await fetch(`${t.url}/get/portrait/${phone}`);
  assert.is(got.headers.get('content-type'), 'image/jpeg');
  fails(await t.call('portrait.upload', { file_id: res.data.file_id }, { token }), 'FILE_NOT_FOUND', 'used up');
  fails(await t.call('portrait.upload', {}, { token }), 'DATA_KEY');
});

twoStepUpload('file.params: upgrade is for admins (-103); avatars over IMAGE_MAX_BYTES 101; bad data -3/-203/-204; tokens', async () => {
  fails(await params({ module: 'upgrade', filename: 'x', size: 10 }, user), 'NO_PERMISSION');
  const big = await params({ module: 'avatar', filename: 'x.jpg', size: t.config.imageMaxBytes + 1 }, user);
  assert.equal(big, { id: 1, status: 101, message: 'File too large', data: { max_bytes: t.config.imageMaxBytes } });
  fails(await params({ module: 'avatar', filename: 'x.jpg' }, user), 'DATA_KEY');
  fails(await params({ module: 'avatar', filename: 'x.jpg', size: '10' }, user), 'VALUE_TYPE');
  fails(await params({ module: 'lock', filename: 'x.jpg', size: 10 }, user), 'VALUE');
  fails(await params({ module: 'avatar', filename: 'x.jpg', size: 0 }, user), 'VALUE');
  fails(await t.call('file.params', { module: 'avatar', filename: 'x', size: 1 }), 'TOKEN_MISSING');
});

twoStepUpload('an upload that stops halfway leaves nothing behind', async () => {
  const res = await params({ module: 'upgrade', filename: 'cut.bin', size: 1_000_000 });
  const boundary = '----helpaged' + crypto.randomBytes(8).toString('hex');
  const head = Object.entries(res.data.form_data as Record<string, string>)
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')
    + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  await new Promise<void>((resolve) => {
    const req = http.request(res.data.upload_url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    req.on('error', () => resolve());
    req.write(head);
    req.write(crypto.randomBytes(200_000));
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 200);
  });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(leftovers(), []);
  assert.is(((await t.sql.get('select count(*) n from files where id = ?', res.data.file_id)) as { n: number }).n, 0);
});

twoStepUpload.run();

import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../src/log.js';
import { Photos } from '../../src/services/media/index.js';
import { passes, newPhone, startTestServer, type TestServer } from '../helpers.js';

const LEGACY_PHOTOS = path.join(import.meta.dirname, '..', 'fixtures', 'legacy', 'cos', 'fallpic');

/** A 1600x900 photo-like JPEG (gradient and shapes, a little grain) with EXIF, as a camera might send it. */
async function cameraPhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="#c9a"/><stop offset="1" stop-color="#235"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="500" cy="400" r="220" fill="#e83" fill-opacity="0.6"/><rect x="900" y="200" width="400" height="500" fill="#4a7" fill-opacity="0.5"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 92 }).withExif({ IFD0: { Make: 'CameraCo', Copyright: 'secret-serial-1234' } }).toBuffer();
}

interface Got { status: number; headers: Headers; body: Buffer }

const photos = suite('GET /app/photo/<event_id>: made once, then served as a file; ?size=list small, in WebP, AVIF or JPEG');
let t: TestServer;
let token: string;
let eventId: string;
let picName: string;
let original: Buffer;

const get = async (urlPath: string, headers: Record<string, string> = {}, who = token, method = 'GET'): Promise<Got> => {
  const res = await fetch(`${t.url}${urlPath}`, { method, headers: { cookie: `helpaged_session=${who}`, ...headers } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
};
const stored = (variant: string) => path.join(t.dataDir, 'photos', picName.slice(0, 2), Photos.fileOf(picName, variant as never));

photos.before(async () => {
  t = await startTestServer();
  const phone = newPhone();
  token = await t.signUp(phone);
  const camera = await t.addDevice(token, 'Porch');
  original = await cameraPhoto();
  passes(await t.upload(camera, original));
  ({ event_id: eventId, pic_name: picName } = (await t.call('notice.get', { mode: 2 }, { token })).data.list[0]);
});
photos.after(() => t.close());

photos('the full photo: made on the first request, stored beside the original, re-encoded (no EXIF), within 1280 px; later ones read the stored file', async () => {
  assert.not.ok(fs.existsSync(stored('full')), 'nothing is made before it is asked for');
  const first = await get(`/app/photo/${eventId}`);
  assert.is(first.status, 200);
  assert.is(first.headers.get('content-type'), 'image/jpeg');
  assert.is(first.headers.get('etag'), `"${picName}-full"`);
  assert.is(first.headers.get('cache-control'), 'private, max-age=31536000, immutable');
  const meta = await sharp(first.body).metadata();
  assert.equal([meta.width, meta.height], [1280, 720]);
  assert.is(meta.exif, undefined, 'no metadata the camera sent');
  assert.not.ok(first.body.includes(Buffer.from('secret-serial-1234')));
  assert.ok(fs.readFileSync(stored('full')).equals(first.body), 'stored as served');
  assert.ok((await get(`/app/photo/${eventId}`)).body.equals(first.body));
  // another instance (or this one restarted, its memory empty) reads the stored file: the original is not read again
  let reads = 0;
  const notices = t.services.files.notices;
  const counted = new Proxy(notices, {
    get(target, p) {
      if (p === 'read') return (name: string) => (reads++, target.read(name));
      const v = Reflect.get(target, p);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const elsewhere = new Photos(counted, t.services.files.photos, t.config.imageMaxPixels, createLogger('silent'));
  assert.ok((await elsewhere.get(picName, 'full'))!.equals(first.body));
  assert.is(reads, 0, 'no decode');
  assert.ok(await elsewhere.get(picName, 'list.jpeg'));
  assert.is(reads, 1, 'a variant not made yet is made from the original, once');
  await elsewhere.get(picName, 'list.jpeg');
  assert.is(reads, 1);
});

photos('as a file server: If-None-Match 304, one Range 206, an unsatisfiable one 416, If-Range, HEAD', async () => {
  const etag = `"${picName}-full"`;
  const full = await get(`/app/photo/${eventId}`);
  assert.is((await get(`/app/photo/${eventId}`, { 'if-none-match': etag })).status, 304);
  assert.is((await get(`/app/photo/${eventId}`, { 'if-none-match': `W/${etag}, "other"` })).status, 304);
  const part = await get(`/app/photo/${eventId}`, { range: 'bytes=0-99' });
  assert.is(part.status, 206);
  assert.is(part.headers.get('content-range'), `bytes 0-99/${full.body.length}`);
  assert.ok(part.body.equals(full.body.subarray(0, 100)));
  const tail = await get(`/app/photo/${eventId}`, { range: 'bytes=-10' });
  assert.ok(tail.body.equals(full.body.subarray(full.body.length - 10)));
  const beyond = await get(`/app/photo/${eventId}`, { range: `bytes=${full.body.length}-` });
  assert.is(beyond.status, 416);
  assert.is(beyond.headers.get('content-range'), `bytes */${full.body.length}`);
  assert.is((await get(`/app/photo/${eventId}`, { range: 'bytes=0-9', 'if-range': '"stale"' })).status, 200, 'If-Range that does not match: the whole file');
  const head = await get(`/app/photo/${eventId}`, {}, token, 'HEAD');
  assert.is(head.status, 200);
  assert.is(head.headers.get('content-length'), String(full.body.length));
  assert.is(head.body.length, 0);
});

photos('?size=list: at most 480 px, WebP for a browser that takes it, AVIF for one that takes only that, JPEG otherwise; Vary: Accept', async () => {
  const cases = [
    ['image/avif,image/webp,image/apng,image/*,*/*;q=0.8', 'image/webp', 'webp'],
    ['image/avif,image/*;q=0.8', 'image/avif', 'heif'],
    ['image/webp;q=0, image/jpeg', 'image/jpeg', 'jpeg'],
    ['', 'image/jpeg', 'jpeg'],
  ] as const;
  const etags = new Set<string>();
  for (const [accept, type, format] of cases) {
    const r = await get(`/app/photo/${eventId}?size=list`, accept ? { accept } : {});
    assert.is(r.status, 200, accept);
    assert.is(r.headers.get('content-type'), type, accept);
    assert.match(r.headers.get('vary') ?? '', /Accept/);
    const meta = await sharp(r.body).metadata();
    assert.is(meta.format, format);
    assert.is(Math.max(meta.width!, meta.height!), 480);
    assert.ok(r.body.length < 40 * 1024, `${type}: ${r.body.length} bytes`);
    etags.add(r.headers.get('etag')!);
  }
  assert.is(etags.size, 3, 'one ETag per format');
  assert.is((await get(`/app/photo/${eventId}?size=huge`)).status, 404);
});

photos('the legacy photos (the old server\'s own fixtures) are all under 40 KB at list size, in every format', async () => {
  for (const file of fs.readdirSync(LEGACY_PHOTOS)) {
    await t.services.noticeIngest.storeFile(file, fs.readFileSync(path.join(LEGACY_PHOTOS, file)));
    for (const variant of ['list.webp', 'list.jpeg', 'list.avif'] as const) {
      const made = await t.services.photos.get(file, variant);
      assert.ok(made && made.length < 40 * 1024, `${file} ${variant}: ${made?.length}`);
    }
  }
});

photos('access: 401 without an account, 404 for another family\'s photo; notice.info still gives the camera\'s bytes, byte for byte', async () => {
  assert.is((await get(`/app/photo/${eventId}`, {}, 'f'.repeat(32))).status, 401);
  const stranger = await t.signUp(newPhone());
  assert.is((await get(`/app/photo/${eventId}?size=list`, {}, stranger)).status, 404);
  const info = await t.call('notice.info', { event_id: eventId }, { token });
  assert.ok(Buffer.from(info.data.base64, 'base64').equals(original), 'legacy clients get what the camera sent');
});

photos.run();

const retained = suite('retention removes a photo\'s variants with it');
retained('past NOTICE_RETENTION_DAYS: 410, and no variant file is left', async () => {
  const r = await startTestServer({ NOTICE_RETENTION_DAYS: '1' });
  try {
    const tok = await r.signUp(newPhone());
    const camera = await r.addDevice(tok, 'Hall');
    passes(await r.upload(camera, await cameraPhoto()));
    const item = (await r.call('notice.get', { mode: 2 }, { token: tok })).data.list[0];
    const file = (v: string) => path.join(r.dataDir, 'photos', item.pic_name.slice(0, 2), Photos.fileOf(item.pic_name, v as never));
    const fetchAs = (size: string, accept = '') => fetch(`${r.url}/app/photo/${item.event_id}${size}`, { headers: { cookie: `helpaged_session=${tok}`, accept } });
    assert.is((await fetchAs('')).status, 200);
    assert.is((await fetchAs('?size=list', 'image/webp')).status, 200);
    assert.ok(fs.existsSync(file('full')) && fs.existsSync(file('list.webp')));
    passes(await r.call('notice.sign', { event_id: item.event_id }, { token: tok }));
    r.clock.advance(2 * 86400);
    await r.services.retention.sweep();
    const fresh = await r.login((await r.sql.get<{ phone: string }>('select phone from users limit 1')).phone);
    assert.is((await fetch(`${r.url}/app/photo/${item.event_id}`, { headers: { cookie: `helpaged_session=${fresh}` } })).status, 410);
    assert.not.ok(fs.existsSync(file('full')), 'the full variant went with the original');
    assert.not.ok(fs.existsSync(file('list.webp')), 'and the list one');
  } finally {
    await r.close();
  }
});
retained.run();

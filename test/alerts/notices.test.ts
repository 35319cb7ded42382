import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FileOps } from '../../src/services/media/files.js';
import { realFileOps } from '../../src/services/media/files.js';
import { sha256Hex } from '../../src/services/shared/random.js';
import { fails, jpeg, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';
import { openStream } from '../support/sse.js';

let t: TestServer;
const rowsFor = async (deviceId: string) =>
  ((await t.sql.get('select count(*) n from notices n join devices d on d.id = n.device_id where d.device_id = ?', deviceId)) as { n: number }).n;
const filesIn = (dir: string): string[] => fs.existsSync(dir)
  ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesIn(path.join(dir, e.name)) : [path.join(dir, e.name)]))
  : [];

const flow = suite('notice.upload, notice.get, notice.info, notice.sign: camera to family');
flow.before(async () => {
  t = await startTestServer({ IMAGE_MAX_BYTES: String(2 * 1024 * 1024), IMAGE_MAX_PIXELS: String(4000 * 3000) });
});
flow.after(() => t.close());

flow('upload -> unread list -> info (same bytes, marks read) -> read list -> sign', async () => {
  const token = await t.signUp(newPhone());
  const camera = await t.addDevice(token, 'living-room');
  const image = await jpeg(300);
  const up = await t.upload(camera, image, '摔倒地点：卧室');
  assert.equal(up, { id: 1, status: 0, message: 'Successful', data: { pic_name: sha256Hex(image).slice(0, 32) } });

  const unread = await t.call('notice.get', { mode: 0 }, { token, id: 0 });
  assert.is(unread.message, 'successful');
  assert.is(unread.data.num, 1);
  const item = unread.data.list[0];
  // the legacy keys first, in their order; this server's own after them
  assert.equal(Object.keys(item), ['event_id', 'content', 'device', 'pic_name', 'createtime', 'acknowledged', 'photo_ok', 'verdict', 'photo', 'resident', 'paused', 'camera_record']);
  assert.is(item.verdict, null);
  assert.is(item.acknowledged, null);
  assert.is(item.photo_ok, true);
  assert.match(item.event_id, /^[0-9a-f]{32}$/);
  assert.is(item.content, '摔倒地点：卧室');
  assert.is(item.device, 'living-room');
  assert.is(item.pic_name, up.data.pic_name);
  assert.match(item.createtime, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

  const info = await t.call('notice.info', { event_id: item.event_id }, { token });
  assert.equal(Object.keys(info.data), ['event_id', 'content', 'device', 'pic_name', 'base64', 'createtime', 'acknowledged', 'photo_ok', 'verdict', 'photo', 'resident', 'paused', 'camera_record']);
  assert.ok(Buffer.from(info.data.base64, 'base64').equals(image), 'the image comes back byte-identical');

  assert.is((await t.call('notice.get', { mode: 0 }, { token })).data.num, 0);
  const read = await t.call('notice.get', { mode: 1 }, { token });
  assert.equal(read.data.list, [{ ...item, acknowledged: info.data.acknowledged }], 'opening it acknowledged it');
  assert.equal(await t.call('notice.sign', { event_id: item.event_id }, { token }),
    { id: 1, status: 101, message: 'event_id has been signed', data: {} });
});

flow('notices are listed newest first; mode as a digit string is taken; sign marks one read', async () => {
  const token = await t.signUp(newPhone());
  const camera = await t.addDevice(token);
  const names: string[] = [];
  for (let i = 0; i < 3; i++) {
    names.push((await t.upload(camera, await jpeg(10), `n${i}`)).data.pic_name);
    t.clock.advance(1);
  }
  const all = await t.call('notice.get', { mode: '2' }, { token });
  assert.equal(all.data.list.map((n: { content: string }) => n.content), ['n2', 'n1', 'n0']);
  assert.equal(await t.call('notice.sign', { event_id: all.data.list[1].event_id }, { token }),
    { id: 1, status: 0, message: 'successful', data: {} });
  assert.equal((await t.call('notice.get', { mode: 0 }, { token })).data.list.map((n: { content: string }) => n.content), ['n2', 'n0']);
});

flow('paging: limit and offset give a page and the total; calls without them get everything', async () => {
  const token = await t.signUp(newPhone());
  const camera = await t.addDevice(token);
  for (let i = 0; i < 5; i++) await t.upload(camera, await jpeg(5), `p${i}`);
  const page = await t.call('notice.get', { mode: 2, limit: 2, offset: 1 }, { token });
  assert.equal(page.data.list.map((n: { content: string }) => n.content), ['p3', 'p2']);
  assert.is(page.data.num, 2);
  assert.is(page.data.total, 5);
  assert.equal(Object.keys((await t.call('notice.get', { mode: 2 }, { token })).data), ['num', 'list']);
});

flow('paging by key: before an event id gives the next older page, the same whatever came in since; a fall of another account is 100', async () => {
  const token = await t.signUp(newPhone());
  const camera = await t.addDevice(token);
  for (let i = 0; i < 5; i++) await t.upload(camera, await jpeg(5), `k${i}`);
  const first = await t.call('notice.get', { mode: 2, limit: 2 }, { token });
  assert.equal(first.data.list.map((n: { content: string }) => n.content), ['k4', 'k3']);
  // a new fall arrives between the pages: with offset the next page would repeat k3; by key it does not
  await t.upload(camera, await jpeg(5), 'k5');
  const next = await t.call('notice.get', { mode: 2, limit: 2, before: first.data.list[1].event_id }, { token });
  passes(next);
  assert.equal(Object.keys(next.data), ['num', 'list']);
  assert.equal(next.data.list.map((n: { content: string }) => n.content), ['k2', 'k1']);
  const last = await t.call('notice.get', { mode: 2, limit: 2, before: next.data.list[1].event_id }, { token });
  assert.equal(last.data.list.map((n: { content: string }) => n.content), ['k0']);
  const end = await t.call('notice.get', { mode: 2, before: last.data.list[0].event_id }, { token });
  assert.equal(end.data, { num: 0, list: [] });
  const unread = await t.call('notice.get', { mode: 0, limit: 10, before: first.data.list[0].event_id }, { token });
  assert.equal(unread.data.list.map((n: { content: string }) => n.content), ['k3', 'k2', 'k1', 'k0']);
  const other = await t.signUp(newPhone());
  fails(await t.call('notice.get', { mode: 2, before: first.data.list[0].event_id }, { token: other }), 'EVENT_NOT_FOUND');
});

flow('an account with three cameras: every mode, page and key page is the newest-first merge of their falls', async () => {
  const token = await t.signUp(newPhone());
  const cameras = [await t.addDevice(token), await t.addDevice(token), await t.addDevice(token)];
  // another account's camera posts in between: never in these lists
  const stranger = await t.addDevice(await t.signUp(newPhone()));
  const order = [0, 0, 1, 2, 2, 2, 1, 0, 1, 1, 2, 0, 0, 1];
  for (const [i, c] of order.entries()) {
    await t.upload(cameras[c]!, await jpeg(5), `m${i}`);
    if (i % 4 === 0) await t.upload(stranger, await jpeg(5), `x${i}`);
  }
  const newest = order.map((_, i) => `m${i}`).reverse();
  const all = (await t.call('notice.get', { mode: 2 }, { token })).data.list as { content: string; event_id: string }[];
  assert.equal(all.map((n) => n.content), newest);
  // opened: m1, m4, m8, m13 (one on each camera, the newest of all among them)
  const opened = new Set(['m1', 'm4', 'm8', 'm13']);
  for (const n of all) if (opened.has(n.content)) await t.call('notice.info', { event_id: n.event_id }, { token });
  const expect = { 0: newest.filter((c) => !opened.has(c)), 1: newest.filter((c) => opened.has(c)), 2: newest };
  const contents = (d: { list: { content: string }[] }) => d.list.map((n) => n.content);
  for (const mode of [0, 1, 2] as const) {
    const want = expect[mode];
    assert.equal(contents((await t.call('notice.get', { mode }, { token })).data), want, `mode ${mode}, everything`);
    for (const [limit, offset] of [[3, 0], [3, 2], [5, 7], [4, 12], [2, 40]] as [number, number][]) {
      const page = (await t.call('notice.get', { mode, limit, offset }, { token })).data;
      assert.equal(contents(page), want.slice(offset, offset + limit), `mode ${mode}, limit ${limit}, offset ${offset}`);
      assert.is(page.total, want.length);
    }
    for (const at of [0, 3, 6]) {
      const before = all.find((n) => n.content === newest[at])!.event_id;
      const older = newest.slice(at + 1).filter((c) => want.includes(c));
      assert.equal(contents((await t.call('notice.get', { mode, limit: 4, before }, { token })).data), older.slice(0, 4), `mode ${mode}, before ${newest[at]}`);
    }
  }
});

flow('misses that come together share one read; a request that comes once the read is out waits for its own', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const camera = await t.addDevice(token);
  await t.upload(camera, await jpeg(5), 'first');
  const { id: userId } = (await t.sql.get('select id from users where phone = ?', phone)) as { id: number };
  const store = t.services.notices;
  const list = store.list.bind(store);
  let reads = 0;
  let hold: Promise<void> = Promise.resolve();
  store.list = async (...args: Parameters<typeof list>) => {
    reads++;
    await hold;
    return list(...args);
  };
  try {
    const service = t.services.noticeLists;
    const contents = (json: string) => (JSON.parse(json) as { list: { content: string }[] }).list.map((n) => n.content);
    const together = await Promise.all(Array.from({ length: 8 }, () => service.listJson(userId, 2, 20)));
    assert.is(reads, 1, 'eight misses in one turn: one read');
    for (const json of together) assert.equal(contents(json), ['first']);
    // the cached page dropped (the fall is signed), a read held on its way, then a new fall and a
    // request, which must not be handed the older read
    const event = (JSON.parse(together[0]!) as { list: { event_id: string }[] }).list[0]!.event_id;
    passes(await t.call('notice.sign', { event_id: event }, { token }));
    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    reads = 0;
    const early = service.listJson(userId, 2, 20);
    for (let turn = 0; turn < 20 && reads === 0; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.is(reads, 1, 'the first read is out');
    await t.upload(camera, await jpeg(5), 'second');
    const late = service.listJson(userId, 2, 20);
    release();
    assert.equal(contents(await late), ['second', 'first'], 'what was committed before the request');
    assert.is(reads, 2);
    const signed = (JSON.parse(await early) as { list: { content: string; acknowledged: unknown }[] }).list;
    assert.ok(signed.find((n) => n.content === 'first')!.acknowledged, 'the early read is after the sign');
    assert.equal(contents(await service.listJson(userId, 2, 20)), ['second', 'first'], 'and what is cached is not the older read');
  } finally {
    store.list = list;
  }
});

flow('a new fall goes into the cached newest pages without a read, the same as a read would give; other pages are read again', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  const camera = await t.addDevice(token);
  await t.upload(camera, await jpeg(5), 'a');
  await t.upload(camera, await jpeg(5), 'b');
  const { id: userId } = (await t.sql.get('select id from users where phone = ?', phone)) as { id: number };
  const service = t.services.noticeLists;
  const page = async (mode: 0 | 1 | 2, limit?: number, offset = 0) => JSON.parse(await service.listJson(userId, mode, limit, offset)) as { num: number; total?: number; list: { content: string; event_id: string }[] };
  const contents = (p: { list: { content: string }[] }) => p.list.map((n) => n.content);
  const a = (await page(2)).list.find((n) => n.content === 'a')!.event_id;
  passes(await t.call('notice.sign', { event_id: a }, { token }));
  const asked: [0 | 1 | 2, number?, number?][] = [[0], [2], [2, 1], [1], [2, 1, 1]];
  const store = t.services.notices;
  const list = store.list.bind(store);
  let reads = 0;
  store.list = (...args: Parameters<typeof list>) => (reads++, list(...args));
  try {
    // cached once the sign's own wake-ups have been handled (they drop the lists again when they come)
    for (let round = 0; round === 0 || reads > 0; round++) {
      assert.ok(round < 50, 'the cache settles');
      reads = 0;
      for (const args of asked) await page(...args);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await t.upload(camera, await jpeg(5), 'c');
    assert.equal(contents(await page(0)), ['c', 'b']);
    assert.equal(contents(await page(2)), ['c', 'b', 'a']);
    const first = await page(2, 1);
    assert.equal([contents(first), first.num, first.total], [['c'], 1, 3]);
    assert.equal(contents(await page(1)), ['a'], 'the read list does not take an unread fall');
    assert.is(reads, 0, 'the newest pages took it in place');
    assert.equal(contents(await page(2, 1, 1)), ['b']);
    assert.is(reads, 1, 'a page further down is read again');
    // what was put in place is what a read gives, to the byte
    const cached = await Promise.all(asked.map((args) => service.listJson(userId, ...args)));
    service.cache.invalidate([userId]);
    assert.equal(await Promise.all(asked.map((args) => service.listJson(userId, ...args))), cached);
    // a late wake-up for a fall the page was read after (here opened since): not given back as unread
    const c = (await page(2)).list[0]!.event_id;
    await t.call('notice.info', { event_id: c }, { token });
    assert.equal(contents(await page(0)), ['b']);
    const { id: cId } = (await t.sql.get('select id from notices where event_id = ?', c)) as { id: number };
    service.cache.added([userId], cId, (await page(2)).list[0] as never);
    reads = 0;
    assert.equal(contents(await page(0)), ['b']);
    assert.is(reads, 1, 'the unread page that cannot tell is read again');
    // a list without a limit that is already 200 long is not rewritten for each fall: dropped, as a limited one is not
    const lists = service.cache;
    const long = { num: 200, list: Array.from({ length: 200 }, () => ({ content: 'old' })) };
    const ids = Array.from({ length: 200 }, (_, i) => 200 - i);
    for (const [key, limit] of [['0::0', undefined], ['0:300:0', 300]] as const) {
      lists.set(userId, key, lists.get(userId, key).version, JSON.stringify(long), { mode: 0, limit, paged: false, ids: [...ids], top: 200 });
    }
    lists.added([userId], 100_000, { content: 'new' } as never);
    assert.not.ok('json' in lists.get(userId, '0::0'), 'the whole history is read again');
    const kept = lists.get(userId, '0:300:0');
    assert.ok('json' in kept && (JSON.parse(kept.json) as typeof long).list[0]!.content === 'new', 'a page with a limit takes it');
  } finally {
    store.list = list;
  }
});

flow('read marks are per account; only bound accounts see a device\'s notices', async () => {
  const a = await t.signUp(newPhone());
  const b = await t.signUp(newPhone());
  const stranger = await t.signUp(newPhone());
  const camera = await t.addDevice(a);
  await t.bind(b, camera);
  await t.upload(camera, await jpeg(5));
  const event = (await t.call('notice.get', { mode: 0 }, { token: a })).data.list[0].event_id;
  await t.call('notice.info', { event_id: event }, { token: a });
  assert.is((await t.call('notice.get', { mode: 0 }, { token: b })).data.num, 1);
  assert.is((await t.call('notice.get', { mode: 2 }, { token: stranger })).data.num, 0);
  assert.equal(await t.call('notice.info', { event_id: event }, { token: stranger }), { id: 1, status: 200, message: 'GetNotice error', data: {} });
  assert.equal(await t.call('notice.sign', { event_id: event }, { token: stranger }), { id: 1, status: 100, message: 'Error event_id', data: {} });
});

flow('notice.upload takes a data: prefix, no content, and ignores the obsolete device key', async () => {
  const token = await t.signUp(newPhone());
  const camera = await t.addDevice(token);
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#884422' } }).png().toBuffer();
  const res = await t.call('notice.upload', { base64: `data:image/png;base64,${png.toString('base64')}`, device: 'camera1' }, { token: camera });
  passes(res);
  const stored = await t.services.noticeIngest.image(res.data.pic_name);
  assert.ok(stored.equals(png));
  assert.is((await t.call('notice.get', { mode: 0 }, { token })).data.list[0].content, '');
});

flow('what is not an image is refused and nothing is stored: no signature, not base64, too big, pixel flood', async () => {
  const token = await t.signUp(newPhone());
  const camera = await t.addDevice(token);
  const good = await jpeg(40);
  const bomb = await sharp({ create: { width: 6000, height: 6000, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer();
  const cases: [string, string, number][] = [
    ['damaged signature', Buffer.concat([good.subarray(0, 2), Buffer.alloc(200, 0x42), good.subarray(202)]).toString('base64'), 100],
    ['text', Buffer.from('hello, I am not a picture').toString('base64'), 100],
    ['gif', Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64').toString('base64'), 100],
    ['not base64', '@@@ not base64 @@@', 100],
    ['over IMAGE_MAX_BYTES', (await jpeg(2100)).toString('base64'), 101],
    ['pixel flood', bomb.toString('base64'), 101],
  ];
  for (const [name, base64, status] of cases) {
    const res = await t.call('notice.upload', { base64 }, { token: camera });
    assert.is(res.status, status, name);
  }
  assert.is(await rowsFor(camera), 0);
  assert.equal(filesIn(path.join(t.dataDir, 'notices', '.tmp')), []);
});

flow('a body over UPLOAD_BODY_LIMIT_BYTES is 413; content over 255 characters -204; bad tokens -104/-100', async () => {
  const token = await t.signUp(newPhone());
  const camera = await t.addDevice(token);
  const { http, json } = await t.raw(`/notice?token=${camera}`, Buffer.alloc(t.config.uploadBodyLimitBytes + 10, 0x20));
  assert.is(http, 413);
  fails(json, 'VALUE');
  fails(await t.upload(camera, await jpeg(5), 'x'.repeat(256)), 'VALUE');
  assert.equal(await t.upload('f'.repeat(32), await jpeg(5)), { id: -1, status: -104, message: 'Error device_id token', data: {} });
  fails(await t.upload(token, await jpeg(5)), 'DEVICE_TOKEN', 'a user token is not a device token');
  fails(await t.call('notice.upload', { base64: 'x' }), 'TOKEN_MISSING');
  fails(await t.call('notice.upload', {}, { token: camera }), 'DATA_KEY');
  fails(await t.call('notice.upload', { base64: 7 }, { token: camera }), 'VALUE_TYPE');
  fails(await t.callAt('/notice', 'notice', 'fetch', { base64: 'x' }, { token: camera }), 'JSON_VALUE');
});

flow('notice.get, notice.info, notice.sign statuses: mode 5 or "x" is 102, missing -3, int event_id -203, tokens -101/-100', async () => {
  const token = await t.signUp(newPhone());
  for (const mode of [5, -1, 'x', '', '3']) {
    assert.equal(await t.call('notice.get', { mode }, { token }), { id: 1, status: 102, message: 'mode value error', data: {} }, String(mode));
  }
  fails(await t.call('notice.get', {}, { token }), 'DATA_KEY');
  fails(await t.call('notice.get', { mode: true }, { token }), 'VALUE_TYPE');
  fails(await t.call('notice.info', { event_id: 12 }, { token }), 'VALUE_TYPE');
  fails(await t.call('notice.sign', { event_id: 12 }, { token }), 'VALUE_TYPE');
  fails(await t.call('notice.info', { event_id: 'f'.repeat(32) }, { token }), 'GET_NOTICE_ERROR');
  fails(await t.call('notice.sign', { event_id: 'f'.repeat(32) }, { token }), 'EVENT_NOT_FOUND');
  fails(await t.call('notice.get', { mode: 0 }, { token: 'f'.repeat(32) }), 'TOKEN_INVALID');
  fails(await t.call('notice.get', { mode: 0 }), 'TOKEN_MISSING');
});

flow('a camera stuck in a loop is slowed down: 102 with retry_after past the per-minute limit', async () => {
  const token = await t.signUp(newPhone());
  const camera = await t.addDevice(token);
  const image = await jpeg(5);
  for (let i = 0; i < t.config.noticesPerDevicePerMinute; i++) passes(await t.upload(camera, image));
  const res = await t.upload(camera, image);
  fails(res, 'TOO_MANY_NOTICES');
  assert.ok(res.data.retry_after > 0);
  assert.is(await rowsFor(camera), t.config.noticesPerDevicePerMinute);
  assert.is(filesIn(path.join(t.dataDir, 'notices')).filter((f) => f.includes(sha256Hex(image).slice(0, 32))).length, 1, 'one file for one content');
  t.clock.advance(60);
  passes(await t.upload(camera, image));
});

flow('a fall alert SMS goes to every bound phone, once per device per cool-down', async () => {
  const phoneA = newPhone();
  const phoneB = newPhone();
  const a = await t.signUp(phoneA);
  const b = await t.signUp(phoneB);
  const camera = await t.addDevice(a, `alert-${phoneA}`);
  await t.bind(b, camera);
  const alerts = () => t.outbox().filter((m) => m.kind === 'alert' && (m.phone === phoneA || m.phone === phoneB));
  await t.upload(camera, await jpeg(5));
  await t.upload(camera, await jpeg(5));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(alerts().map((m) => m.phone).sort(), [phoneA, phoneB].sort());
  assert.is(alerts()[0]!.device, `alert-${phoneA}`);
  t.clock.advance(t.config.alertSmsCooldownSeconds);
  await t.upload(camera, await jpeg(5));
  await new Promise((r) => setTimeout(r, 50));
  assert.is(alerts().length, 4);
});

flow.run();

const disk = suite('a failing disk');

function failing(at: 'write' | 'rename'): FileOps {
  return {
    ...realFileOps,
    async writeDurable(file, bytes) {
      if (at !== 'write') return realFileOps.writeDurable(file, bytes);
      fs.writeFileSync(file, bytes.subarray(0, bytes.length >> 1));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
    async rename(from, to) {
      if (at === 'rename') throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      return realFileOps.rename(from, to);
    },
  };
}

for (const at of ['write', 'rename'] as const) {
  disk(`an upload whose ${at} fails answers -500 and leaves neither file nor row`, async () => {
    const d = await startTestServer({}, { fileOps: failing(at) });
    const token = await d.signUp(newPhone());
    const camera = await d.addDevice(token);
    const res = await d.upload(camera, await jpeg(50));
    assert.equal(res, { id: 1, status: -500, message: 'COS upload Error', data: {} });
    assert.equal(filesIn(path.join(d.dataDir, 'notices')), []);
    assert.is(((await d.sql.get('select count(*) n from notices')) as { n: number }).n, 0);
    assert.is((await d.call('notice.get', { mode: 2 }, { token })).data.num, 0);
    await d.close();
  });
}

disk('files staged before a crash are finished if their row committed, dropped if not', async () => {
  const d = await startTestServer();
  const token = await d.signUp(newPhone());
  const camera = await d.addDevice(token);
  const image = await jpeg(20);
  const up = await d.upload(camera, image);
  const final = path.join(d.dataDir, 'notices', up.data.pic_name.slice(0, 2), up.data.pic_name);
  const tmp = path.join(d.dataDir, 'notices', '.tmp');
  fs.renameSync(final, path.join(tmp, `${up.data.pic_name}.abc.tmp`));
  fs.writeFileSync(path.join(tmp, `${'e'.repeat(32)}.def.tmp`), 'uncommitted');
  await d.close(true);
  const again = await startTestServer({}, { dataDir: d.dataDir, clock: d.clock });
  assert.ok(fs.readFileSync(final).equals(image), 'the committed notice got its file');
  assert.equal(filesIn(tmp), []);
  await again.close();
});

disk.run();

// ---------------------------------------------------------------------------------------------
const verdict = suite('notice.verdict');
let v: TestServer;
verdict.before(async () => {
  v = await startTestServer({ SSE_HEARTBEAT_SECONDS: '1' });
});
verdict.after(() => v.close());

verdict('a bound account says "not a fall" with a note, then changes its mind; lists, info and the family\'s streams show the last word; it acknowledges', async () => {
  const [a, b] = [newPhone(), newPhone()];
  const [ta, tb] = [await v.signUp(a), await v.signUp(b)];
  const camera = await v.addDevice(ta, `hall-${Date.now()}`);
  await v.bind(tb, camera);
  await v.upload(camera, await jpeg(5));
  const { event_id } = (await v.call('notice.get', { mode: 2 }, { token: ta })).data.list[0];
  const streamB = openStream(`${v.url}/api/notice/stream?token=${tb}`);
  await streamB.ready;
  try {
    const first = await v.call('notice.verdict', { event_id, verdict: 'false_alarm', note: '  the cat knocked the chair over ' }, { token: tb });
    passes(first, JSON.stringify(first));
    assert.equal({ ...first.data.verdict, at: undefined }, { verdict: 'false_alarm', note: 'the cat knocked the chair over', phone: b, at: undefined });
    const row = await v.sql.get<{ verdict: string; verdict_note: string; verdict_phone: string; ack_phone: string }>('SELECT verdict, verdict_note, verdict_phone, ack_phone FROM notices WHERE event_id = ?', event_id);
    assert.equal([row.verdict, row.verdict_note, row.verdict_phone, row.ack_phone], ['false_alarm', 'the cat knocked the chair over', b, b], 'stored, and acknowledged by the same account');
    const listed = (await v.call('notice.get', { mode: 2 }, { token: ta })).data.list[0];
    assert.is(listed.verdict.verdict, 'false_alarm', 'the other member\'s cached list was dropped');
    assert.is((await v.call('notice.get', { mode: 1 }, { token: tb })).data.num, 1, 'read for the one who judged it');
    await streamB.waitFor(() => streamB.events.some((e) => e.event === 'verdict'));
    assert.is(JSON.parse(streamB.events.find((e) => e.event === 'verdict')!.data).verdict.verdict, 'false_alarm');
    const changed = await v.call('notice.verdict', { event_id, verdict: 'fall' }, { token: ta });
    assert.equal([changed.data.verdict.verdict, changed.data.verdict.note, changed.data.verdict.phone], ['fall', null, a]);
    const info = await v.call('notice.info', { event_id }, { token: tb });
    assert.equal([info.data.verdict.verdict, info.data.verdict.phone], ['fall', a], 'the last word counts');
    assert.equal(info.data.acknowledged.phone, b, 'the first acknowledgement stays');
    const steps = await v.sql.all<{ outcome: string | null }>('SELECT s.outcome FROM alert_steps s JOIN notices n ON n.id = s.notice_id WHERE n.event_id = ?', event_id);
    assert.ok(steps.every((s) => s.outcome === 'skipped'), 'the escalation stopped');
  } finally {
    streamB.close();
  }
});

verdict('only for bound accounts; bad data and tokens get their statuses', async () => {
  const token = await v.signUp(newPhone());
  const camera = await v.addDevice(token);
  await v.upload(camera, await jpeg(5));
  const { event_id } = (await v.call('notice.get', { mode: 2 }, { token })).data.list[0];
  const stranger = await v.signUp(newPhone());
  fails(await v.call('notice.verdict', { event_id, verdict: 'fall' }, { token: stranger }), 'GET_NOTICE_ERROR');
  fails(await v.call('notice.verdict', { event_id }, { token }), 'DATA_KEY');
  fails(await v.call('notice.verdict', { event_id, verdict: 'maybe' }, { token }), 'VALUE');
  fails(await v.call('notice.verdict', { event_id, verdict: 'fall', note: 'x'.repeat(501) }, { token }), 'VALUE');
  fails(await v.call('notice.verdict', { event_id, verdict: 7 }, { token }), 'VALUE_TYPE');
  fails(await v.call('notice.verdict', { event_id, verdict: 'fall' }, { token: 'f'.repeat(32) }), 'TOKEN_INVALID');
  assert.is((await v.sql.get<{ verdict: string | null }>('SELECT verdict FROM notices WHERE event_id = ?', event_id)).verdict, null, 'nothing stored');
});

verdict.run();

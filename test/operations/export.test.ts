import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import yauzl from 'yauzl';
import { maskPhone } from '../../src/services/shared/index.js';
import { fails, jpeg, newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

/** Every entry of a ZIP, by name. */
async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z!))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream!.on('data', (c: Buffer) => chunks.push(c));
        stream!.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return out;
}

let t: TestServer;
const test = suite('account.export: a ZIP of what the account owns, built in the background, downloaded once');
test.before(async () => {
  t = await startTestServer({ EXPORT_LINK_SECONDS: '120' });
});
test.after(() => t.close());

/** Polls account.export_status until the export is no longer being made. */
async function settled(token: string, exportId: string) {
  for (let i = 0; i < 200; i++) {
    const s = await t.call('account.export_status', { export_id: exportId }, { token });
    if (s.data.state !== 'pending' && s.data.state !== 'building') return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('export not built');
}

test('the archive holds the account\'s profile, sessions, cameras, falls with photos, read marks, verdicts, health and audit entries; nothing of anyone else\'s', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  passes(await t.call('info.update', { phone, nickname: 'Lin' }, { token }));
  const camera = await t.addDevice(token, `export-cam-${phone}`);
  const photos = [await jpeg(20), await jpeg(20)];
  for (const p of photos) passes(await t.upload(camera, p));
  const list = (await t.call('notice.get', { mode: 2 }, { token })).data.list as { event_id: string; pic_name: string }[];
  await t.call('notice.verdict', { event_id: list[0]!.event_id, verdict: 'fall', note: 'in the kitchen' }, { token });
  await t.call('health.upload', { samples: [{ type: 'heart_rate', value: 70, timestamp: 1_780_000_000 }] }, { token });

  // someone else: their own camera, fall, health and audit entries
  const otherPhone = newPhone();
  const other = await t.signUp(otherPhone);
  const otherCamera = await t.addDevice(other, `other-cam-${otherPhone}`);
  const otherPhoto = await jpeg(20);
  await t.upload(otherCamera, otherPhoto);
  await t.call('health.upload', { samples: [{ type: 'heart_rate', value: 99, timestamp: 1_780_000_000 }] }, { token: other });

  const asked = await t.call('account.export', {}, { token });
  passes(asked);
  assert.match(asked.data.export_id, /^[0-9a-f]{32}$/);
  const status = await settled(token, asked.data.export_id);
  assert.is(status.data.state, 'ready');
  assert.is(status.data.expires_in, 120);
  assert.match(status.data.url, new RegExp(`^${t.url}/app/export/${asked.data.export_id}\\?key=[0-9a-f]{32}$`));
  fails(await t.call('account.export_status', { export_id: asked.data.export_id }, { token: other }), 'EXPORT_NOT_FOUND', 'not someone else\'s export');

  const res = await fetch(status.data.url);
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'application/zip');
  assert.match(res.headers.get('content-disposition')!, /attachment/);
  const files = await unzip(Buffer.from(await res.arrayBuffer()));
  assert.ok(files.has('README.txt'));
  const read = (name: string) => JSON.parse(files.get(name)!.toString());
  const profile = read('profile.json');
  assert.equal([profile.phone, profile.nickname, profile.role], [phone, 'Lin', 'user']);
  assert.ok(!('passwordHash' in profile) && !JSON.stringify(profile).includes('scrypt'), 'no password hash');
  assert.is(read('sessions.json').length, 1);
  assert.equal(read('cameras.json').map((c: { device_id: string }) => c.device_id), [camera]);
  const notices = read('notices.json') as { event_id: string; photo: string; verdict: unknown }[];
  assert.equal(notices.map((n) => n.event_id), list.map((n) => n.event_id));
  for (const [i, n] of notices.entries()) {
    assert.ok(files.get(n.photo)!.equals(photos[1 - i]!), 'each photo as the camera sent it');
  }
  assert.equal(read('verdicts.json').map((v: { event_id: string; verdict: string; note: string }) => [v.event_id, v.verdict, v.note]), [[list[0]!.event_id, 'fall', 'in the kitchen']]);
  assert.equal(read('read_marks.json').map((r: { event_id: string }) => r.event_id), [list[0]!.event_id]);
  assert.equal(read('health.json').map((h: { value: number }) => h.value), [70]);
  const audit = read('audit.json') as { kind: string }[];
  assert.ok(audit.some((e) => e.kind === 'account.export') && audit.some((e) => e.kind === 'notice.verdict'));

  // nothing of anyone else's, anywhere in the archive
  const everything = [...files.entries()].filter(([n]) => n.endsWith('.json') || n.endsWith('.txt')).map(([, b]) => b.toString()).join('\n');
  assert.not.ok(everything.includes(otherPhone) || everything.includes(maskPhone(otherPhone)), 'no other account');
  assert.not.ok(everything.includes(otherCamera), 'no other camera');
  assert.ok([...files.values()].every((b) => !b.equals(otherPhoto)), 'no other photo');

  // once: the same link again, and the export is taken
  assert.is((await fetch(status.data.url)).status, 410);
  assert.is((await t.call('account.export_status', { export_id: asked.data.export_id }, { token })).data.state, 'taken');
  assert.equal(fs.readdirSync(path.join(t.dataDir, 'exports')).filter((f) => f.endsWith('.zip')), [], 'the file went with the download');
});

test('a newer link replaces the older one; links expire; bad ids and keys are refused', async () => {
  const token = await t.signUp(newPhone());
  const { export_id } = (await t.call('account.export', {}, { token })).data;
  const first = await settled(token, export_id);
  const second = await t.call('account.export_status', { export_id }, { token });
  assert.is.not(first.data.url, second.data.url);
  assert.is((await fetch(first.data.url)).status, 410, 'the older link no longer works');
  t.clock.advance(121);
  assert.is((await fetch(second.data.url)).status, 410, 'expired');
  assert.is((await fetch(`${t.url}/app/export/${export_id}?key=${'0'.repeat(32)}`)).status, 410);
  assert.is((await fetch(`${t.url}/app/export/nope?key=x`)).status, 404);
  fails(await t.call('account.export_status', { export_id: 'x' }, { token }), 'VALUE');
});

test('three exports a day, one at a time; deleting the account removes its exports and their files', async () => {
  const phone = newPhone();
  const token = await t.signUp(phone);
  for (let i = 0; i < 3; i++) {
    const { export_id } = (await t.call('account.export', {}, { token })).data;
    assert.is((await settled(token, export_id)).data.state, 'ready');
  }
  fails(await t.call('account.export', {}, { token }), 'EXPORT_LIMIT');
  // one at a time: while one is being made (as another instance's build would look), no second
  const busy = await t.signUp(newPhone());
  const { export_id: made } = (await t.call('account.export', {}, { token: busy })).data;
  await settled(busy, made);
  await t.sql.run("update data_exports set state = 'building', claimed_at = ? where id = ?", t.clock.now(), made);
  fails(await t.call('account.export', {}, { token: busy }), 'EXPORT_BUSY');
  assert.is((await t.call('account.export_status', { export_id: made }, { token: busy })).data.state, 'building');
  const zips = () => fs.readdirSync(path.join(t.dataDir, 'exports')).filter((f) => f.endsWith('.zip')).length;
  const before = zips();
  assert.ok(before >= 3);
  const hash = await t.requestCode(phone, 5);
  passes(await t.call('account.delete', { hash }, { token }));
  assert.is(zips(), before - 3, 'its three files are gone');
  assert.is(Number((await t.sql.get<{ n: number }>('select count(*) n from data_exports de join users u on u.id = de.user_id where u.phone = ?', phone)).n), 0);
});

test.run();

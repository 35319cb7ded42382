import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../src/clock.js';
import { ENGINE, engineEnv, fails, jpeg, newPhone, passes, startTestServer, tempDir, type TestServer } from '../helpers.js';
import { startS3 } from '../support/s3.js';

const DAY = 86_400;

/** Where a photo lives under DATA_DIR (sharded by its name's first two characters). */
const photoFile = (t: TestServer, picName: string) => path.join(t.dataDir, 'notices', picName.slice(0, 2), picName);

interface Fall { eventId: string; picName: string }

/** A fall from `camera`, as the family's list names it. */
async function fall(t: TestServer, token: string, camera: string, photo?: Buffer): Promise<Fall> {
  const up = await t.upload(camera, photo ?? await jpeg(15));
  passes(up);
  const item = (await t.call('notice.get', { mode: 2 }, { token })).data.list.find((n: { pic_name: string }) => n.pic_name === up.data.pic_name);
  return { eventId: item.event_id, picName: item.pic_name };
}

const removedAt = async (t: TestServer, eventId: string) => (await t.sql.get<{ at: number | null }>('select photo_removed_at at from notices where event_id = ?', eventId)).at;

const local = suite('NOTICE_RETENTION_DAYS: photos past the retention go, their rows stay');
let t: TestServer;
let token: string;
let camera: string;
let phone: string;

local.before(async () => {
  t = await startTestServer({ NOTICE_RETENTION_DAYS: '30', ALERT_REPEAT_SECONDS: '0', ALERT_CALL_SECONDS: '0' });
  phone = newPhone();
  token = await t.signUp(phone);
  camera = await t.addDevice(token, 'hall');
});
local.after(() => t.close());

local('only acknowledged falls older than the retention with nothing pending lose their photo; a photo another fall keeps stays', async () => {
  const shared = await jpeg(15);
  const expired = await fall(t, token, camera);
  const unacked = await fall(t, token, camera);
  const pending = await fall(t, token, camera);
  const sharedOld = await fall(t, token, camera, shared);
  for (const f of [expired, pending, sharedOld]) await t.call('notice.sign', { event_id: f.eventId }, { token });
  // a retry still to send for `pending` (the provider refused a send)
  const row = await t.sql.get<{ id: number }>('select id from notices where event_id = ?', pending.eventId);
  await t.sql.run("insert into alert_steps (notice_id, kind, phone, due_at, attempts) values (?, 'alert', null, ?, 1)", row.id, t.clock.now() + 1e12);
  t.clock.advance(31 * DAY);
  token = await t.login(phone);
  const young = await fall(t, token, camera, shared);
  await t.call('notice.sign', { event_id: young.eventId }, { token });
  assert.is(young.picName, sharedOld.picName, 'the same bytes, the same file');

  const swept = await t.services.retention.sweep();
  assert.equal(swept, { released: 2, removed: 1 });
  assert.ok(!fs.existsSync(photoFile(t, expired.picName)), 'expired: file gone');
  for (const f of [unacked, pending, young]) assert.ok(fs.existsSync(photoFile(t, f.picName)), 'kept');
  assert.ok(await removedAt(t, expired.eventId) !== null);
  assert.ok(await removedAt(t, sharedOld.eventId) !== null, 'its row lets go of the photo');
  assert.ok(fs.existsSync(photoFile(t, sharedOld.picName)), 'but the file stays for the young fall that shows it too');
  assert.is(await removedAt(t, unacked.eventId), null);
  assert.is(await removedAt(t, pending.eventId), null);

  // what clients see
  const list = (await t.call('notice.get', { mode: 2 }, { token })).data.list as { event_id: string; photo: string | null; pic_name: string }[];
  const photoOf = (f: Fall) => list.find((n) => n.event_id === f.eventId)!.photo;
  assert.is(photoOf(expired), null);
  assert.is(photoOf(young), `/app/photo/${young.eventId}`);
  assert.is(list.length, 5, 'every row is still listed');
  const info = await t.call('notice.info', { event_id: expired.eventId }, { token });
  fails(info, 'PHOTO_REMOVED');
  assert.is(info.message, 'photo removed: older than the retention period');
  assert.ok(Buffer.from(info.data.base64, 'base64').equals(t.services.placeholders.error.bytes), 'the "error" image');
  assert.is(info.data.photo, null);
  assert.is(info.data.event_id, expired.eventId);
  const kept = await t.call('notice.info', { event_id: young.eventId }, { token });
  passes(kept);
  assert.is(fs.readFileSync(photoFile(t, young.picName)).length, Buffer.from(kept.data.base64, 'base64').length);

  // acknowledged later: it goes at the next sweep, and nothing else does
  await t.call('notice.sign', { event_id: unacked.eventId }, { token });
  assert.equal(await t.services.retention.sweep(), { released: 1, removed: 1 });
  assert.ok(!fs.existsSync(photoFile(t, unacked.picName)));
  assert.equal(await t.services.retention.sweep(), { released: 0, removed: 0 });
  assert.ok(fs.existsSync(photoFile(t, pending.picName)));
});

local('a removal a crash cut short is finished at the next start', async () => {
  token = await t.login(phone);
  const f = await fall(t, token, camera);
  await t.call('notice.sign', { event_id: f.eventId }, { token });
  // what a crash right after the marking transaction leaves: the row marked, the name queued, the file there
  await t.sql.run('update notices set photo_removed_at = ? where event_id = ?', t.clock.now(), f.eventId);
  await t.sql.run('insert into photo_removals (pic_name, at) values (?, ?)', f.picName, t.clock.now());
  assert.ok(fs.existsSync(photoFile(t, f.picName)));
  const dataDir = t.dataDir;
  const env = { NOTICE_RETENTION_DAYS: '30', ...(await engineEnv(dataDir)) };
  await t.close(true);
  t = await startTestServer(env, { dataDir, clock: t.clock });
  token = await t.login(phone);
  // the sweep at start removes the file, then its queue row: wait for both (the row went after the file, so
  // a check of the row right after the file was seen gone raced it)
  const queued = async () => (await t.sql.get<{ n: number }>('select count(*) n from photo_removals')).n;
  for (let i = 0; i < 250 && (fs.existsSync(photoFile(t, f.picName)) || await queued() > 0); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(!fs.existsSync(photoFile(t, f.picName)), 'removed by the sweep at start');
  assert.is(await queued(), 0);
});

local('with NOTICE_RETENTION_DAYS=0 (the default) nothing is ever removed', async () => {
  const keep = await startTestServer();
  try {
    const tok = await keep.signUp(newPhone());
    const cam = await keep.addDevice(tok);
    const f = await fall(keep, tok, cam);
    await keep.call('notice.sign', { event_id: f.eventId }, { token: tok });
    keep.clock.advance(3650 * DAY);
    assert.equal(await keep.services.retention.sweep(), { released: 0, removed: 0 });
    assert.ok(fs.existsSync(photoFile(keep, f.picName)));
  } finally {
    await keep.close();
  }
});

local.run();

if (ENGINE === 'postgres') {
  const two = suite('photo retention with two instances on one bucket: one sweeps at a time, exactly the expired photos go');
  two('two instances sweeping at once remove each expired photo once and keep the rest', async () => {
    const s3 = await startS3();
    const sdk = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
    for (const k of sdk) process.env[k] = s3.env[k];
    const { S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE } = s3.env;
    const dirA = tempDir();
    const env = { S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_FORCE_PATH_STYLE, NOTICE_RETENTION_DAYS: '7', ...(await engineEnv(dirA)) };
    const clock = new ManualClock(Date.now());
    const a = await startTestServer(env, { dataDir: dirA, clock });
    const b = await startTestServer(env, { clock });
    try {
      const who = newPhone();
      const tok = await a.signUp(who);
      const cam = await a.addDevice(tok);
      const old: Fall[] = [];
      for (let i = 0; i < 12; i++) old.push(await fall(a, tok, cam));
      for (const f of old.slice(0, 9)) await b.call('notice.sign', { event_id: f.eventId }, { token: tok });
      clock.advance(8 * DAY);
      const again = await a.login(who);
      const young = await fall(b, again, cam);
      await a.call('notice.sign', { event_id: young.eventId }, { token: again });

      const runs = await Promise.all([a, b, a, b].map((s) => s.db.exclusive('sweeps', async () => {
        const r = await s.services.retention.sweep();
        released.push(r.released);
      })));
      assert.ok(runs.includes(true));
      assert.is(released.reduce((x, y) => x + y, 0), 9, 'each expired row let go of once');
      const keys = await s3.keys('notices/');
      for (const f of old.slice(0, 9)) assert.not.ok(keys.includes(`notices/${f.picName}`), 'expired: gone from the bucket');
      for (const f of [...old.slice(9), young]) assert.ok(keys.includes(`notices/${f.picName}`), 'unacknowledged or young: kept');
      const info = await b.call('notice.info', { event_id: old[0]!.eventId }, { token: again });
      fails(info, 'PHOTO_REMOVED');
    } finally {
      await a.close();
      await b.close();
      await s3.remove();
      for (const k of sdk) delete process.env[k];
    }
  });
  const released: number[] = [];
  two.run();
}

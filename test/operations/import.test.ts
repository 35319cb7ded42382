import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../src/log.js';
import { importLegacy, loadSource, type Report } from '../../src/services/operations/legacy-import.js';
import { engineEnv, fails, jpeg, passes, startTestServer, tempDir, type TestServer } from '../helpers.js';
import { tablesIn } from '../support/postgres.js';
import { mariadbMissing, startMariaDb } from '../support/mariadb.js';

/** The HelpAged-Python data set (made by running the old server itself), kept with the tests: see its README. */
const LEGACY = fileURLToPath(new URL('../fixtures/legacy', import.meta.url));
const missing = mariadbMissing() ?? (fs.existsSync(path.join(LEGACY, 'dump.sql')) ? null : `${LEGACY}/dump.sql not found`);

interface Expected {
  users: { phone: string; password: string; name: string; nickname: string; email: string; level: number; admin: boolean; devices: string[] }[];
  devices: { name: string; id: string; users: string[] }[];
  notices: { event_id: string; pic_name: string; device: string; content: string; createtime: string; read_by: string[] }[];
}

if (missing) {
  console.log(`import.test.ts: the HelpAged-Python import tests were skipped: ${missing}`);
} else {
  const expected = JSON.parse(fs.readFileSync(path.join(LEGACY, 'expected.json'), 'utf8')) as Expected;
  const dump = fs.readFileSync(path.join(LEGACY, 'dump.sql'), 'utf8');
  const objects = path.join(LEGACY, 'cos');
  let db: Awaited<ReturnType<typeof startMariaDb>>;
  let t: TestServer;
  let report: Report;

  const run = async (server: TestServer, database: string, objectsDir = objects, dryRun = false) => importLegacy({
    data: await loadSource(db.url(database), objectsDir), objects: objectsDir, dryRun, config: server.config, clock: server.clock,
    log: createLogger('silent'), db: server.db, services: server.services,
  });

  const s = suite('npm run import: a HelpAged-Python database and its photos, driven afterwards as legacy clients would');
  s.before(async () => {
    db = await startMariaDb();
    db.load('legacy', dump);
    t = await startTestServer({ NOTICE_TIMEZONE: 'UTC' });
    report = await run(t, 'legacy');
  });
  s.after(async () => {
    await t.close();
    await db.stop();
  });

  s('the report counts every kind; nothing skipped', () => {
    assert.equal(report.imported, { accounts: 12, devices: 6, bindings: 15, notices: 40, photos: 40, read_marks: 35, portraits: 0 });
    assert.equal(report.skipped, []);
  });

  s('every account logs in with its old password, keeps its profile, and is upgraded to scrypt at the first login', async () => {
    for (const u of expected.users) {
      const before = (await t.services.users.byPhone(t.services.read, u.phone))!.passwordHash;
      assert.match(before, /^legacy-md5\$/);
      fails(await t.call('login.pass', { phone: u.phone, pass: u.password + 'x' }), 'WRONG_PASSWORD', 'a wrong password is refused');
      const token = await t.login(u.phone, u.password);
      assert.match((await t.services.users.byPhone(t.services.read, u.phone))!.passwordHash, /^scrypt\$/, 'upgraded');
      await t.login(u.phone, u.password);
      const info = await t.get(`/user/info?token=${token}`);
      assert.equal(info.data, { phone: u.phone, name: u.name, nickname: u.nickname, email: u.email, level: u.level });
    }
  });

  s('an admin stays an admin and lists every account', async () => {
    const admin = expected.users.find((u) => u.admin)!;
    const token = await t.login(admin.phone, admin.password);
    const list = await t.call('user.list', {}, { token });
    passes(list);
    assert.equal(JSON.stringify(list.data).match(/1[3-9]\d{9}/g)!.filter((p, i, a) => a.indexOf(p) === i).sort(), expected.users.map((u) => u.phone).sort());
    const plain = expected.users.find((u) => !u.admin)!;
    fails(await t.call('user.list', {}, { token: await t.login(plain.phone, plain.password) }), 'NO_PERMISSION');
  });

  s('notice.get in every mode lists each account\'s history with the old keys, order, times and read marks', async () => {
    for (const u of expected.users) {
      const token = await t.login(u.phone, u.password);
      const mine = expected.notices.filter((n) => u.devices.includes(n.device))
        .sort((a, b) => b.createtime.localeCompare(a.createtime) || b.event_id.localeCompare(a.event_id));
      const all = (await t.call('notice.get', { mode: 2 }, { token })).data.list;
      assert.equal(all.map((n: { event_id: string }) => n.event_id).sort(), mine.map((n) => n.event_id).sort(), u.phone);
      for (const n of all) {
        const e = mine.find((m) => m.event_id === n.event_id)!;
        assert.equal(Object.keys(n).slice(0, 5), ['event_id', 'content', 'device', 'pic_name', 'createtime']);
        assert.equal([n.content, n.device, n.pic_name, n.createtime, n.photo_ok], [e.content, e.device, e.pic_name, e.createtime, true]);
      }
      const unread = (await t.call('notice.get', { mode: 0 }, { token })).data.list.map((n: { event_id: string }) => n.event_id).sort();
      const read = (await t.call('notice.get', { mode: 1 }, { token })).data.list.map((n: { event_id: string }) => n.event_id).sort();
      assert.equal(read, mine.filter((n) => n.read_by.includes(u.phone)).map((n) => n.event_id).sort(), `${u.phone} read`);
      assert.equal(unread, mine.filter((n) => !n.read_by.includes(u.phone)).map((n) => n.event_id).sort(), `${u.phone} unread`);
    }
  });

  s('notice.info returns each photo byte for byte; notice.sign marks read', async () => {
    const u = expected.users.find((x) => x.devices.length > 1)!;
    const token = await t.login(u.phone, u.password);
    const unread = (await t.call('notice.get', { mode: 0 }, { token })).data.list;
    for (const n of (await t.call('notice.get', { mode: 2 }, { token })).data.list) {
      const info = await t.call('notice.info', { event_id: n.event_id }, { token });
      assert.ok(Buffer.from(info.data.base64, 'base64').equals(fs.readFileSync(path.join(objects, 'fallpic', n.pic_name))), n.pic_name);
    }
    const other = expected.users.find((x) => x.phone !== u.phone && x.devices.some((d) => u.devices.includes(d)))!;
    const otherToken = await t.login(other.phone, other.password);
    const target = (await t.call('notice.get', { mode: 0 }, { token: otherToken })).data.list[0];
    passes(await t.call('notice.sign', { event_id: target.event_id }, { token: otherToken }));
    fails(await t.call('notice.sign', { event_id: target.event_id }, { token: otherToken }), 'ALREADY_SIGNED');
    assert.ok(unread.length > 0);
  });

  s('a camera posts with the id it holds; the fall reaches every bound account', async () => {
    const cam = expected.devices[0]!;
    const up = await t.upload(cam.id, await jpeg(10), 'after the move');
    passes(up);
    for (const phone of cam.users) {
      const u = expected.users.find((x) => x.phone === phone)!;
      const list = (await t.call('notice.get', { mode: 0 }, { token: await t.login(u.phone, u.password) })).data.list;
      assert.is(list[0].content, 'after the move');
      assert.is(list[0].device, cam.name);
    }
  });

  s('a second run imports nothing twice and says so; nothing is written to the old database', async () => {
    const checksum = db.sql('legacy', 'CHECKSUM TABLE users, usersinfo, devices, notice, notice_user;');
    const count = async () => (await t.sql.get('select (select count(*) from users) u, (select count(*) from notices) n, (select count(*) from notice_reads) r, (select count(*) from bindings) b'));
    const before = await count();
    const again = await run(t, 'legacy');
    assert.equal(again.imported, { accounts: 0, devices: 0, bindings: 0, notices: 0, photos: 0, read_marks: 0, portraits: 0 });
    assert.equal(again.already, { accounts: 12, devices: 6, bindings: 15, notices: 41 - 1, photos: 40, read_marks: 35, portraits: 0 });
    assert.is(db.sql('legacy', 'CHECKSUM TABLE users, usersinfo, devices, notice, notice_user;'), checksum);
    assert.equal(await count(), before, 'nothing added');
  });

  s('hand-made damage: a photo missing, one altered, duplicate phone rows, a single-name device column, an unknown device name', async () => {
    db.load('damaged', dump);
    const [victim, single, ghost] = [expected.users[0]!, expected.users[1]!, expected.users[2]!];
    db.sql('damaged', `ALTER TABLE users DROP PRIMARY KEY;
      INSERT INTO users SELECT * FROM users WHERE phone = '${victim.phone}';
      UPDATE usersinfo SET device = '${single.devices[0]}' WHERE phone = '${single.phone}';
      UPDATE usersinfo SET device = 'None|ghost-cam|${ghost.devices[0]}|' WHERE phone = '${ghost.phone}';
      INSERT INTO notice_user VALUES ('${'e'.repeat(32)}', '${single.phone}', 1), ('${expected.notices[0]!.event_id}', '13000000000', 1);`);
    const copy = tempDir();
    fs.cpSync(objects, copy, { recursive: true });
    const [gone, altered] = [expected.notices[0]!, expected.notices[1]!];
    fs.rmSync(path.join(copy, 'fallpic', gone.pic_name));
    const bytes = fs.readFileSync(path.join(copy, 'fallpic', altered.pic_name));
    bytes[Math.floor(bytes.length / 2)] = bytes[Math.floor(bytes.length / 2)]! ^ 0xff;
    fs.writeFileSync(path.join(copy, 'fallpic', altered.pic_name), bytes);
    fs.mkdirSync(path.join(copy, 'portrait'));
    fs.writeFileSync(path.join(copy, 'portrait', single.phone), await jpeg(20, 800, 600));

    const d = await startTestServer({ NOTICE_TIMEZONE: 'UTC' });
    try {
      const r = await run(d, 'damaged', copy);
      const reasons = r.skipped.map((x) => `${x.kind} ${x.key}${x.kept ? ' (kept)' : ''}`);
      assert.ok(reasons.includes(`accounts ${victim.phone}`), 'duplicate rows: skipped');
      assert.ok(reasons.includes(`bindings ${ghost.phone}:ghost-cam`), 'unknown device: reported');
      assert.ok(reasons.includes(`photos ${gone.event_id} (kept)`));
      assert.ok(reasons.includes(`photos ${altered.event_id} (kept)`));
      assert.ok(reasons.includes(`read_marks ${'e'.repeat(32)}:${single.phone}`));
      assert.ok(reasons.includes(`read_marks ${expected.notices[0]!.event_id}:13000000000`));
      assert.is(r.imported.accounts, 11);
      assert.is(r.imported.notices, 40, 'no notice is lost for its photo');
      assert.is(r.imported.portraits, 1);
      assert.is((await d.services.users.byPhone(d.services.read, victim.phone)), undefined);

      const token = await d.login(single.phone, single.password);
      const devices = (await d.call('device.list', {}, { token })).data.list;
      assert.equal(devices.map((x: { device_name: string }) => x.device_name), [single.devices[0]], 'a bare name is one binding');
      const ghostToken = await d.login(ghost.phone, ghost.password);
      assert.equal((await d.call('device.list', {}, { token: ghostToken })).data.list.map((x: { device_name: string }) => x.device_name), [ghost.devices[0]]);

      // the missing photo answers with the "error" image, the altered one as found; both photo_ok false
      const reader = expected.users.find((u) => u.phone !== victim.phone && u.devices.includes(gone.device) && u.devices.includes(altered.device))
        ?? expected.users.find((u) => u.phone !== victim.phone && u.devices.includes(gone.device))!;
      const rt = await d.login(reader.phone, reader.password);
      const info = await d.call('notice.info', { event_id: gone.event_id }, { token: rt });
      passes(info);
      assert.is(info.data.photo_ok, false);
      assert.ok(Buffer.from(info.data.base64, 'base64').equals(d.services.placeholders.error.bytes));
      const owner = expected.users.find((u) => u.phone !== victim.phone && u.devices.includes(altered.device))!;
      const alteredInfo = await d.call('notice.info', { event_id: altered.event_id }, { token: await d.login(owner.phone, owner.password) });
      assert.is(alteredInfo.data.photo_ok, false);
      assert.ok(Buffer.from(alteredInfo.data.base64, 'base64').equals(bytes));

      const portrait = Buffer.from(await (await fetch(`${d.url}/get/portrait/${single.phone}`)).arrayBuffer());
      const { default: sharp } = await import('sharp');
      const meta = await sharp(portrait).metadata();
      assert.is(meta.format, 'jpeg');
      assert.ok(meta.width! <= d.config.portraitMaxSide, 're-encoded as portrait.upload does');
    } finally {
      await d.close();
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  s('resumable: a run stopped midway and started again finishes with nothing duplicated', async () => {
    db.load('resume', dump);
    const r = await startTestServer({ NOTICE_TIMEZONE: 'UTC' });
    try {
      let ticks = 0;
      const crash = { start() {}, stop() {}, tick() {
        if (++ticks === 40) throw new Error('killed');
      } };
      const data = await loadSource(db.url('resume'), objects);
      const stopped = await importLegacy({
        data, objects, dryRun: false, config: r.config, clock: r.clock, log: createLogger('silent'), db: r.db, services: r.services, progress: crash,
      }).then(() => null, (err: Error) => err.message);
      assert.is(stopped, 'killed');
      const midway = ((await r.sql.get('select count(*) n from notices')) as { n: number }).n;
      assert.ok(midway > 0 && midway < 40, `stopped among the notices (${midway})`);
      const finished = await run(r, 'resume');
      assert.is(finished.imported.notices + finished.already.notices, 40);
      const counts = (await r.sql.get('select (select count(*) from users) u, (select count(*) from notices) n, (select count(*) from notice_reads) rd, (select count(*) from bindings) b'));
      assert.equal(counts, { u: 12, n: 40, rd: 35, b: 15 });
    } finally {
      await r.close();
    }
  });

  s('the command: --dry-run writes nothing; bad input stops with one line before anything is written', async () => {
    const dataDir = path.join(tempDir(), 'fresh');
    const engine = await engineEnv(dataDir);
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', ...args], {
      encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir, NOTICE_TIMEZONE: 'UTC', PASSWORD_SCRYPT_LOG2N: '10', ...engine },
    });
    const dry = cli('--from', db.url('legacy'), '--objects', objects, '--dry-run');
    assert.is(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /dry run: nothing was written/);
    assert.match(dry.stdout, /notices\s+40 to import/);
    assert.not.ok(fs.existsSync(dataDir), 'not even the data folder');
    if (engine.DATABASE_URL) assert.is(await tablesIn(engine.DATABASE_URL), 0, 'not even the schema');
    for (const [args, line] of [
      [['--from', 'mysql://root@127.0.0.1:1/legacy', '--objects', objects], /cannot connect \(ECONNREFUSED/],
      [['--from', 'not a url', '--objects', objects], /not a URL/],
      [['--from', db.url('nope'), '--objects', objects], /Unknown database 'nope'/],
      [['--from', db.url('legacy'), '--objects', '/no/such/folder'], /--objects \/no\/such\/folder: not a folder/],
    ] as const) {
      const res = cli(...args);
      assert.is(res.status, 2, res.stderr);
      assert.is(res.stderr.trim().split('\n').length, 1, res.stderr);
      assert.match(res.stderr, line);
      assert.not.ok(fs.existsSync(dataDir));
    }
    db.sql(null, 'CREATE DATABASE notlegacy; CREATE TABLE notlegacy.users (phone varchar(20));');
    const wrong = cli('--from', db.url('notlegacy'), '--objects', objects);
    assert.match(wrong.stderr, /tables usersinfo, devices, notice, notice_user missing/);
    const real = cli('--from', db.url('legacy'), '--objects', objects);
    assert.is(real.status, 0, real.stderr);
    assert.match(real.stdout, /import finished/);
    const second = cli('--from', db.url('legacy'), '--objects', objects);
    assert.match(second.stdout, /nothing new to import/);
    const reports = fs.readdirSync(dataDir).filter((f) => f.startsWith('import-report-'));
    assert.is(reports.length, 2);
    const json = JSON.parse(fs.readFileSync(path.join(dataDir, reports.sort()[0]!), 'utf8')) as Report;
    assert.is(json.imported.notices, 40);
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  s.run();
}

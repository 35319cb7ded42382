import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openSqlite } from '../../src/db/sqlite.js';
import { jpeg, passes, startTestServer, tempDir } from '../helpers.js';

const durableCommits = suite('SQLite commits made durable off the event loop (transactionThenSync)');

/** Wraps fs.fsync for the WAL file: records when each fsync starts and ends, optionally fails it. */
function watchWalFsyncs(fail = false) {
  const original = fs.fsync;
  const events: string[] = [];
  let n = 0;
  (fs as { fsync: typeof fs.fsync }).fsync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    if (!fs.readlinkSync(`/proc/self/fd/${fd}`).endsWith('-wal')) return original(fd, cb);
    const i = ++n;
    events.push(`start ${i}`);
    setTimeout(() => {
      events.push(`end ${i}`);
      if (fail) return cb(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
      original(fd, cb);
    }, 20);
  }) as typeof fs.fsync;
  return { events, restore: () => ((fs as { fsync: typeof fs.fsync }).fsync = original) };
}

durableCommits('the commit is written with NORMAL, FULL is back at once, and durable waits for an fsync started after it', async () => {
  if (!fs.existsSync('/proc/self/fd')) return;
  const db = openSqlite(tempDir());
  db.client.exec('CREATE TABLE t (x INTEGER)');
  const watch = watchWalFsyncs();
  try {
    const log: string[] = watch.events;
    const first = await db.transactionThenSync(async () => db.client.prepare('INSERT INTO t VALUES (1)').run().changes);
    assert.is(first.value, 1);
    assert.is(db.client.pragma('synchronous', { simple: true }), 2, 'FULL again for everyone else');
    // commits made while that fsync runs wait for the next one, and share it
    const later = await Promise.all([2, 3, 4].map((x) => db.transactionThenSync(async () => db.client.prepare('INSERT INTO t VALUES (?)').run(x))));
    void first.durable.then(() => log.push('first durable'));
    void later[0]!.durable.then(() => log.push('later durable'));
    await Promise.all([first.durable, ...later.map((l) => l.durable)]);
    assert.equal(log, ['start 1', 'end 1', 'first durable', 'start 2', 'end 2', 'later durable']);
    assert.is((db.client.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 4);
  } finally {
    watch.restore();
    await db.close();
  }
});

durableCommits('a notice whose row cannot be made durable is refused and withdrawn, its image not kept', async () => {
  if (!fs.existsSync('/proc/self/fd')) return;
  // SQLite's own path in both passes: on PostgreSQL a commit is durable when it returns
  const t = await startTestServer({ DATABASE_URL: '' });
  try {
    const token = await t.signUp('13700002222');
    const deviceId = await t.addDevice(token);
    const image = await jpeg(100);
    const watch = watchWalFsyncs(true);
    let up: { status: number };
    try {
      up = await t.upload(deviceId, image);
    } finally {
      watch.restore();
    }
    assert.ok(up.status !== 0, `refused: ${JSON.stringify(up)}`);
    const list = await t.call('notice.get', { mode: 0 }, { token });
    assert.is(list.data.num, 0, 'no notice listed');
    const stored = () => fs.readdirSync(path.join(t.dataDir, 'notices'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    assert.equal(stored(), [], 'no image kept, staged or placed');
    const ok = await t.upload(deviceId, image);
    passes(ok, 'the next upload is stored');
    assert.equal(stored(), [(ok as { data: { pic_name: string } }).data.pic_name]);
  } finally {
    await t.close();
  }
});

durableCommits.run();

import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sql } from 'drizzle-orm';
import pgClient from 'pg';
import { createLogger } from '../../src/log.js';
import { ENGINE, fails, jpeg, newPhone, passes, startTestServer, tempDir } from '../helpers.js';
import { freePort } from '../support/net.js';
import { clusterOf } from '../support/postgres.js';

/** Runs `npm start` as an operator would, with these variables; what it printed and its exit code. */
function start(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    encoding: 'utf8', timeout: 30_000, env: { ...process.env, DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
  });
  return { code: r.status, stderr: r.stderr.trim(), stdout: r.stdout.trim() };
}

const config = suite('DATABASE_URL that cannot be used: one line naming it, no stack');

config('a URL that does not parse, or is not postgres://', () => {
  for (const url of ['not a url', 'mysql://root@127.0.0.1/x']) {
    const r = start({ DATABASE_URL: url });
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stderr.split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^configuration error: DATABASE_URL/);
  }
});

config('a server that cannot be reached', async () => {
  const r = start({ DATABASE_URL: `postgres://helpaged:secret@127.0.0.1:${await freePort()}/helpaged` });
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^configuration error: DATABASE_URL postgres:\/\/helpaged@127\.0\.0\.1:\d+\/helpaged: cannot connect: .*ECONNREFUSED/);
  assert.not.match(r.stderr, /secret/, 'the password is never printed');
});

config.run();

// The rest needs a PostgreSQL server: the suites' PostgreSQL pass (test/run.ts) has one.
if (ENGINE === 'postgres') {
  const cluster = clusterOf(process.env.HELPAGED_TEST_PG_CLUSTER!);
  const pg = suite('PostgreSQL: refused credentials, and a database that goes away while the server runs');

  pg('a role the server does not know stops the start with one line', () => {
    const url = new URL(cluster.url('postgres'));
    url.username = 'nobody';
    const r = start({ DATABASE_URL: url.toString() });
    assert.is(r.code, 2, r.stderr);
    assert.is(r.stderr.split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^configuration error: DATABASE_URL .*: cannot connect: role "nobody" does not exist/);
  });

  pg('while the cluster is down requests get -200 (logged with their request id); it recovers by itself when the cluster is back', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', (line) => lines.push(JSON.parse(line)));
    const t = await startTestServer({}, { log });
    try {
      const phone = newPhone();
      const token = await t.signUp(phone);
      const camera = await t.addDevice(token);
      passes(await t.upload(camera, await jpeg(20)));
      assert.is((await fetch(`${t.url}/health/ready`)).status, 200);
      await cluster.stop();
      try {
        const ready = await fetch(`${t.url}/health/ready`);
        assert.is(ready.status, 503, 'not ready while the database is away');
        assert.equal(await ready.json(), { ready: false, reason: 'database' });
        assert.is((await fetch(`${t.url}/health/live`)).status, 200, 'but alive');
        const login = await t.call('login.pass', { phone, pass: 'secret123' });
        fails(login, 'DATABASE', JSON.stringify(login));
        const devices = await t.call('device.list', {}, { token });
        fails(devices, 'DATABASE', JSON.stringify(devices));
        const failed = lines.filter((l) => l.msg === 'handler failed');
        assert.ok(failed.length > 0 && failed.every((l) => typeof l.rid === 'string' && l.rid !== ''), 'logged with the request id');
      } finally {
        await cluster.start();
      }
      assert.is((await fetch(`${t.url}/health/ready`)).status, 200, 'ready again');
      const again = await t.call('login.pass', { phone, pass: 'secret123' });
      passes(again, JSON.stringify(again));
      const list = await t.call('notice.get', { mode: 2 }, { token: again.data.token });
      passes(list);
      assert.is(list.data.num, 1, 'nothing stored before the outage was lost');
    } finally {
      await t.close();
    }
  });

  pg('connections killed while transactions start and run all go back to the pool: the server still closes', async () => {
    const t = await startTestServer();
    const admin = new pgClient.Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    let closed = false;
    let stop = false;
    // a pool that lost connections for good makes these wait, until its 5 s connection timeout or forever
    const within = <T>(p: Promise<T>, ms = 10_000) => Promise.race([p, new Promise<string>((r) => setTimeout(() => r('hung'), ms))]);
    try {
      const database = new URL(t.config.databaseUrl).pathname.slice(1);
      // kills every connection of the server's database, again and again, while transactions run
      const killer = (async () => {
        while (!stop) {
          await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database])
            .catch(() => (stop = true));
          await new Promise((r) => setTimeout(r, Math.random() * 5));
        }
      })();
      let ok = 0;
      let failed = 0;
      for (let round = 0; round < 80; round++) {
        const work = Promise.all(Array.from({ length: 8 }, () => t.db.transaction(async (tx) => {
          await (tx.q as unknown as { execute(q: unknown): Promise<unknown> }).execute(sql`select pg_sleep(0.001)`);
        }).then(() => ok++, () => failed++)));
        assert.is(await within(work.then(() => 'done'), 3000), 'done', 'transactions wait for a pool that lost its connections');
      }
      stop = true;
      await killer;
      assert.ok(failed > 0, 'connections were lost mid-transaction');
      // once the last kill has reached the pool, every transaction works again
      await new Promise((r) => setTimeout(r, 300));
      for (let i = 0; i < 10; i++) assert.equal(await within(t.db.transaction(async () => 'done')), 'done');
      assert.is(await within(t.close().then(() => 'closed')), 'closed', 'a connection that never went back keeps the pool from ending');
      closed = true;
    } finally {
      stop = true;
      await admin.end();
      if (!closed) await within(t.close());
    }
  });

  pg.run();
}

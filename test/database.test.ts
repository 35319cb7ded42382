import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../src/log.js';
import { ENGINE, jpeg, newPhone, startTestServer, tempDir } from './helpers.js';
import { freePort } from './support/net.js';
import { clusterOf } from './support/postgres.js';

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
      assert.is((await t.upload(camera, await jpeg(20))).status, 0);
      assert.is((await fetch(`${t.url}/health/ready`)).status, 200);
      await cluster.stop();
      try {
        const ready = await fetch(`${t.url}/health/ready`);
        assert.is(ready.status, 503, 'not ready while the database is away');
        assert.equal(await ready.json(), { ready: false, reason: 'database' });
        assert.is((await fetch(`${t.url}/health/live`)).status, 200, 'but alive');
        const login = await t.call('/user/login', 'login', 'pass', { phone, pass: 'secret123' });
        assert.is(login.status, -200, JSON.stringify(login));
        const devices = await t.call('/device', 'device', 'list', {}, { token });
        assert.is(devices.status, -200, JSON.stringify(devices));
        const failed = lines.filter((l) => l.msg === 'handler failed');
        assert.ok(failed.length > 0 && failed.every((l) => typeof l.rid === 'string' && l.rid !== ''), 'logged with the request id');
      } finally {
        await cluster.start();
      }
      assert.is((await fetch(`${t.url}/health/ready`)).status, 200, 'ready again');
      const again = await t.call('/user/login', 'login', 'pass', { phone, pass: 'secret123' });
      assert.is(again.status, 0, JSON.stringify(again));
      const list = await t.call('/get/notice', 'notice', 'get', { mode: 2 }, { token: again.data.token });
      assert.is(list.status, 0);
      assert.is(list.data.num, 1, 'nothing stored before the outage was lost');
    } finally {
      await t.close();
    }
  });

  pg.run();
}

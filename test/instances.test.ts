/**
 * Two instances as real processes (`src/main.ts`, as `npm start` runs it) on one PostgreSQL database,
 * each with a data folder of its own: what one is told, the other knows. Registered only in the
 * PostgreSQL pass (test/run.ts): several instances need PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ENGINE, engineEnv, type Envelope, fails, jpeg, newPhone, passes, tempDir } from './helpers.js';
import { clientOf, startChild, type Client } from './support/child.js';
import { openStream } from './support/sse.js';
import { startProxy } from './support/proxy.js';
import { startWeChatStandIn } from './support/wechat.js';
import { openStored } from './support/sql.js';


/** Polls `check` until it holds; how long that took (ms). Fails past `ms`. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const CALLBACK_SECRET = 'instances-callback-secret-0123456789abcdef';

if (ENGINE === 'postgres') {
  const test = suite('several instances on one PostgreSQL behave as one server');
  const dirs = [tempDir(), tempDir()];
  let databaseUrl = '';
  let a: Client;
  let b: Client;
  let wx: Awaited<ReturnType<typeof startWeChatStandIn>>;
  const env = (dataDir: string) => ({
    DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', PASSWORD_SCRYPT_LOG2N: '10',
    SMS_IP_HOURLY: '100000', SMS_IP_DAILY: '100000', SMS_PHONE_INTERVAL_SECONDS: '0', TOKEN_IDLE_SECONDS: '3',
    LOGIN_MAX_FAILURES: '4', NOTICES_PER_DEVICE_PER_MINUTE: '6', GUESSES_PER_ADDRESS_PER_MINUTE: '4',
    WECHAT_APP_ID: 'wxapp', WECHAT_APP_SECRET: 'wxsecret', WECHAT_API_BASE: wx.url, PROVIDER_CALLBACK_SECRET: CALLBACK_SECRET,
  });

  /** One member signed up on each instance, both bound to a camera added through A. */
  const family = async () => {
    const [p1, p2] = [newPhone(), newPhone()];
    const t1 = await a.signUp(p1);
    const t2 = await b.signUp(p2);
    const camera = await a.camera(t1);
    passes(await b.call('device.bind', { device_id: camera }, t2));
    return { p1, p2, t1, t2, camera };
  };
  /** What an instance's outbox gateway sent, oldest first. */
  const outbox = (dir: string) => (fs.existsSync(`${dir}/sms-outbox.jsonl`) ? fs.readFileSync(`${dir}/sms-outbox.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : []);

  test.before(async () => {
    wx = await startWeChatStandIn('wxapp', 'wxsecret');
    databaseUrl = (await engineEnv(dirs[0]!)).DATABASE_URL!;
    a = clientOf(await startChild(env(dirs[0]!)), dirs[0]!);
    b = clientOf(await startChild(env(dirs[1]!)), dirs[1]!);
  });

  test.after(async () => {
    await a?.child.kill('SIGTERM');
    await b?.child.kill('SIGTERM');
    await wx?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  test('a token issued by one works on the other; logout, session.revoke and a password change on one end it on the other within a second', async () => {
    const phone = newPhone();
    const first = await a.signUp(phone);
    const second = await a.login(phone);
    const third = await a.login(phone);
    for (const token of [first, second, third]) passes(await b.list(token), 'B knows what A issued (and caches it)');

    passes(await a.call('session.logout', {}, second));
    await within(1000, 'logout seen on B', async () => (await b.list(second)).status === -101);

    const sessions = await b.call('session.list', {}, first);
    const target = sessions.data.list.find((s: { current: boolean }) => !s.current);
    assert.is(sessions.data.num, 2, 'the logged-out session is gone from the list on B');
    passes(await a.call('session.revoke', { session_id: target.session_id }, first));
    await within(1000, 'session.revoke seen on B', async () => (await b.list(third)).status === -101);

    passes(await a.call('password.change', { phone, old: 'secret123', new: 'secret456' }));
    await within(1000, 'password change seen on B', async () => (await b.list(first)).status === -101);
    passes(await b.call('login.pass', { phone, pass: 'secret456' }), 'the new password works on B');
  });

  test('account deletion on one instance ends its tokens on the other at once', async () => {
    const phone = newPhone();
    const token = await a.signUp(phone);
    passes(await b.list(token));
    const hash = await a.code(phone, 5);
    passes(await a.call('account.delete', { hash }, token));
    await within(1000, 'deletion seen on B', async () => (await b.list(token)).status !== 0);
  });

  test('an idle clock kept alive through B is not ended by A\'s older view of it', async () => {
    const token = await a.signUp(newPhone());
    passes(await a.list(token), 'A caches the token');
    // 4.5 s of use on B only, with a 3 s idle time: A's cached clock is far past it
    for (let i = 0; i < 9; i++) {
      await new Promise((r) => setTimeout(r, 500));
      passes(await b.list(token), `B, call ${i + 1}`);
    }
    passes(await a.list(token), 'A reads the clock B kept alive');
    await new Promise((r) => setTimeout(r, 3500));
    fails(await b.list(token), 'TOKEN_INVALID', 'idle for longer than 3 s on both: ended');
  });

  test('a role granted with the admin CLI is in force on every instance within a second', async () => {
    const phone = newPhone();
    const token = await a.signUp(phone);
    const asAdmin = (c: Client) => c.call('user.list', {}, token);
    assert.is.not((await asAdmin(a)).status, 0);
    assert.is.not((await asAdmin(b)).status, 0);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', 'grant', phone], { encoding: 'utf8', env: { ...process.env, ...env(tempDir()) } });
    assert.is(r.status, 0, r.stderr);
    for (const c of [a, b]) await within(1000, 'admin role seen', async () => (await asAdmin(c)).status === 0);
  });

  test('a fall posted through A is in B\'s lists at once and on B\'s streams within a second; acknowledgements, read marks and unbinding travel too', async () => {
    const phone = newPhone();
    const token = await a.signUp(phone);
    const camera = await a.camera(token);
    const other = await b.login(phone);
    assert.is((await b.list(other)).data.num, 0, 'B caches an empty list');
    const stream = openStream(`${b.url}/api/notice/stream?token=${other}`);
    await stream.ready;
    try {
      const posted = await a.callAt(`/notice`, 'notice', 'upload', { base64: (await jpeg(20)).toString('base64') }, camera);
      passes(posted);
      // B's cached list is dropped by A's wake-up, which travels with the commit: milliseconds
      await within(1000, 'B lists the fall', async () => (await b.list(other)).data.num === 1);
      const eventId = (await b.list(other)).data.list[0].event_id;
      await stream.waitFor(() => stream.events.some((e) => e.event === 'notice' && JSON.parse(e.data).event_id === eventId), 1000);

      passes(await a.call('notice.info', { event_id: eventId }, token));
      await stream.waitFor(() => stream.events.some((e) => e.event === 'acknowledged'), 1000);
      const acked = (await b.list(other)).data.list[0];
      assert.is(acked.acknowledged?.phone, phone, 'B lists the acknowledgement');
      await within(1000, 'read through A: not unread on B', async () => (await b.list(other, 0)).data.num === 0);

      passes(await a.call('device.unbind', { device_id: camera }, token));
      await within(1000, 'unbound through A: gone from B\'s list', async () => (await b.list(other)).data.num === 0);
      assert.is(stream.events.filter((e) => e.event === 'notice').length, 1, 'the notice was streamed once');
    } finally {
      stream.close();
    }
  });

  test('a keypress that reaches the instance which did not place the call acknowledges the fall there; both instances\' streams are told within a second', async () => {
    const { p1, p2, t1, t2, camera } = await family();
    passes(await a.call('device.alerts', { device_id: camera, repeat_seconds: 0, call_seconds: 1 }, t1));
    const streams = [openStream(`${a.url}/api/notice/stream?token=${t1}`), openStream(`${b.url}/api/notice/stream?token=${t2}`)];
    await Promise.all(streams.map((s) => s.ready));
    try {
      passes(await a.callAt('/notice', 'notice', 'upload', { base64: (await jpeg(20)).toString('base64') }, camera));
        const placed = () => dirs.map((d) => outbox(d).find((m: { kind: string; phone: string }) => m.kind === 'call' && m.phone === p2));
      await within(5000, 'the call placed by one instance', async () => placed().some(Boolean));
      const by = placed().findIndex(Boolean);
      const other = by === 0 ? b : a;
      const res = await fetch(`${other.url}/callbacks/tencent/voice/${CALLBACK_SECRET}`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ voicekey_callback: { call_from: '', callid: placed()[by].call_id, keypress: '1', mobile: p2, nationcode: '86' } }),
      });
      assert.equal(await res.json(), { result: 0, errmsg: 'OK' });
      for (const s of streams) await s.waitFor(() => s.events.some((e) => e.event === 'acknowledged'), 1000);
      for (const s of streams) assert.equal(JSON.parse(s.events.find((e) => e.event === 'acknowledged')!.data).acknowledged.channel, 'call');
      assert.is((await a.list(t1)).data.list[0].acknowledged.phone, p2);
    } finally {
      for (const s of streams) s.close();
    }
  });

  test('a pause started on one instance holds the other\'s falls; it runs out by itself once, both instances\' streams told', async () => {
    const { p1, p2, t1, t2, camera } = await family();
    const streams = [openStream(`${a.url}/api/notice/stream?token=${t1}`), openStream(`${b.url}/api/notice/stream?token=${t2}`)];
    await Promise.all(streams.map((s) => s.ready));
    const stored = await openStored({ DATABASE_URL: databaseUrl, DATA_DIR: tempDir() });
    const lines = (kind: string) => dirs.flatMap(outbox).filter((m: { kind: string; phone: string }) => m.kind === kind && (m.phone === p1 || m.phone === p2));
    try {
      passes(await a.call('device.pause', { device_id: camera, minutes: 15, reason: 'carer' }, t1));
      for (const s of streams) await s.waitFor(() => s.events.some((e) => e.event === 'paused'), 1000);
      passes(await b.callAt('/notice', 'notice', 'upload', { base64: (await jpeg(21)).toString('base64') }, camera));
      await within(2000, 'the fall streamed on both', async () => streams.every((s) => s.events.some((e) => e.event === 'notice')));
      assert.is(JSON.parse(streams[1]!.events.find((e) => e.event === 'notice')!.data).paused.reason, 'carer');
      // a quarter of an hour is long for a test: the pause is brought to its last second, in the database
      await stored.sql.run('update devices set paused_until = ? where device_id = ?', Date.now() + 1000, camera);
      await within(5000, 'the pause over', async () => lines('pause-end').length >= 2);
      for (const s of streams) await s.waitFor(() => s.events.filter((e) => e.event === 'paused').length === 2, 1000);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(lines('pause-end').map((m: { phone: string }) => m.phone).sort(), [p1, p2].sort(), 'once, by one of the two');
      assert.is(lines('alert').length, 0, 'nobody phoned for the fall in the pause');
    } finally {
      for (const s of streams) s.close();
      await stored.close();
    }
  });

  test('a rota set on one instance: the fall taken by the other tells the person on call first, and everyone at the next level, once', async () => {
    const { p1, p2, t1, t2, camera } = await family();
    passes(await a.call('device.oncall', { device_id: camera, order: 'rota', rota: [{ phone: p2, days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '00:00' }], next_level_seconds: 10 }, t1));
    passes(await b.callAt('/notice', 'notice', 'upload', { base64: (await jpeg(22)).toString('base64') }, camera));
    const eventId = (await a.list(t1)).data.list[0].event_id as string;
    const lines = (kind: string) => dirs.flatMap(outbox).filter((m: { kind: string; event_id?: string }) => m.kind === kind && m.event_id === eventId);
    await within(3000, 'the first SMS', async () => lines('alert').length > 0);
    assert.equal(lines('alert').map((m: { phone: string }) => m.phone), [p2], 'the person on call alone');
    await within(15_000, 'the next level', async () => lines('next-level').length >= 2);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(lines('next-level').map((m: { phone: string }) => m.phone).sort(), [p1, p2].sort(), 'everyone, once, by one of the two');
  });

  test('read-your-writes when the wake-ups come late: an instance whose database replies take 40 ms more still lists the fall stored through A right after A answered (10 tries)', async () => {
    // C's every connection to PostgreSQL, its listening one too, through a proxy that holds what the server
    // sends for 40 ms: the notification of A's fall reaches C long after A answered, so only C's wait for
    // its own round trip (Bus.caughtUp) keeps its cached list from being served without the fall
    const pg = new URL(databaseUrl);
    const slow = await startProxy(() => [Number(pg.port)], 40);
    const dir = tempDir();
    const viaProxy = new URL(databaseUrl);
    viaProxy.port = new URL(slow.url).port;
    const c = clientOf(await startChild({ ...env(dir), DATABASE_URL: viaProxy.toString() }), dir);
    try {
      const phone = newPhone();
      const token = await a.signUp(phone);
      const reads = await c.login(phone);
      let camera = '';
      for (let i = 1; i <= 10; i++) {
        if (i % 5 === 1) camera = await a.camera(token);
        assert.is((await c.list(reads)).data.num, i - 1, 'warm: C caches the list');
        assert.is((await c.list(reads)).data.num, i - 1);
        passes(await a.call('notice.upload', { base64: (await jpeg(6)).toString('base64'), content: `late ${i}` }, camera));
        const listed = (await c.list(reads)).data;
        assert.is(listed.num, i, `try ${i}: the fall stored through A is listed by C`);
        assert.is(listed.list[0].content, `late ${i}`);
      }
    } finally {
      await c.child.kill('SIGTERM');
      await slow.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('read-your-writes across instances: B\'s list, read right after A answered, has the fall A stored, the read mark and the verdict A took (40 tries in a row, both ways)', async () => {
    const phone = newPhone();
    const token = await a.signUp(phone);
    const other = await b.login(phone);
    const tokens = new Map([[a, token], [b, other]]);
    let camera = '';
    for (let i = 1; i <= 40; i++) {
      // a camera may post 6 falls a minute here
      if (i % 5 === 1) camera = await a.camera(token);
      // a balancer sends the camera to one instance and the family's next request to the other
      const [writer, reader] = i % 2 ? [a, b] : [b, a];
      const reads = tokens.get(reader)!;
      assert.is((await reader.list(reads)).data.num, i - 1, 'warm: the reader caches the list');
      assert.is((await reader.list(reads)).data.num, i - 1);
      const posted = await writer.call('notice.upload', { base64: (await jpeg(6)).toString('base64'), content: `fall ${i}` }, camera);
      passes(posted);
      const listed = (await reader.list(reads)).data;
      assert.is(listed.num, i, `try ${i}: the fall stored through the other instance is listed`);
      assert.is(listed.list[0].content, `fall ${i}`);
      if (i % 4 === 0) {
        const eventId = listed.list[0].event_id;
        assert.is((await reader.list(reads, 0)).data.num, 1, 'cached: one unread');
        passes(await writer.call('notice.info', { event_id: eventId }, tokens.get(writer)!));
        assert.is((await reader.list(reads, 0)).data.num, 0, `try ${i}: read through the other instance, not unread here`);
        passes(await writer.call('notice.verdict', { event_id: eventId, verdict: 'false_alarm' }, tokens.get(writer)!));
        assert.is((await reader.list(reads)).data.list[0].verdict?.verdict, 'false_alarm', `try ${i}: the verdict given through the other instance is listed`);
      } else {
        // the others stay unread until the next mark: read them here so that the unread count above is 1
        passes(await writer.call('notice.info', { event_id: listed.list[0].event_id }, tokens.get(writer)!));
      }
    }
  });

  test('an instance with no streams and nothing cached moves on without reading what others store; a stream opened there later gets only what comes next', async () => {
    const dir = tempDir();
    const c = clientOf(await startChild(env(dir)), dir);
    try {
      const token = await a.signUp(newPhone());
      const camera = await a.camera(token);
      const upload = async (content: string) => {
        passes(await a.call('notice.upload', { base64: (await jpeg(8)).toString('base64'), content }, camera));
      };
      await upload('before');
      await new Promise((r) => setTimeout(r, 1000)); // C hears of it (milliseconds) with no client to tell
      const stream = openStream(`${c.url}/api/notice/stream?token=${token}`);
      await stream.ready;
      try {
        await upload('after');
        await stream.waitFor(() => stream.events.length >= 1, 2000);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(stream.events.map((e) => JSON.parse(e.data).content), ['after'], 'only the notice stored once the stream was open');
        assert.equal((await c.list(token)).data.list.map((n: { content: string }) => n.content), ['after', 'before']);
        await upload('cached');
        await within(1000, 'C drops its cached list', async () => (await c.list(token)).data.num === 3);
      } finally {
        stream.close();
      }
    } finally {
      await c.child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a lost listening connection is found and replaced; what was stored meanwhile still reaches the streams, once', async () => {
    const phone = newPhone();
    const token = await a.signUp(phone);
    const camera = await a.camera(token);
    const stream = openStream(`${b.url}/api/notice/stream?token=${token}`);
    await stream.ready;
    try {
      const db = await openStored({ DATABASE_URL: databaseUrl, DATA_DIR: tempDir() });
      try {
        // end every instance's listening connection, as a failover of the database server would
        await db.sql.all(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'helpaged-listen'`);
      } finally {
        await db.close();
      }
      for (let i = 0; i < 3; i++) passes(await a.callAt(`/notice`, 'notice', 'upload', { base64: (await jpeg(10)).toString('base64') }, camera));
      await stream.waitFor(() => stream.events.filter((e) => e.event === 'notice').length >= 3, 8000);
      await new Promise((r) => setTimeout(r, 500));
      const ids = stream.events.filter((e) => e.event === 'notice').map((e) => Number(e.id));
      assert.is(ids.length, 3, 'each once');
      assert.equal(ids, [...ids].sort((x, y) => x - y), 'in id order');
      assert.is((await b.list(token)).data.num, 3, 'B\'s list has them');
    } finally {
      stream.close();
    }
  });

  test('captchas, SMS codes, WeChat tickets, pairing codes and upload grants issued by one instance are redeemed on the other, once', async () => {
    const stored = await openStored({ DATABASE_URL: databaseUrl, DATA_DIR: tempDir() });
    try {
      passes(await a.call('img.generate', {}));
      // the test cannot read the picture: it takes the answer's hash from where A keeps it
      const { key } = await stored.sql.get(`select key from tickets where kind = 'captcha' order by expires_at desc limit 1`);
      passes(await b.call('img.validate', { hash: key }), 'A\'s captcha answered on B');
      fails(await a.call('img.validate', { hash: key }), 'CAPTCHA_MISMATCH', 'and used up for A too');
    } finally {
      await stored.close();
    }

    const phone = newPhone();
    const hash = await a.code(phone, 1);
    passes(await b.call('register.phone', { phone, hash, pass: 'secret123' }), 'A\'s SMS code redeemed on B');
    const token = await b.login(phone);

    const unlinked = await a.call('login.wechat', { code: 'ok:openid-several' });
    fails(unlinked, 'WECHAT_UNLINKED');
    passes(await b.call('wechat.bind', { wechat_ticket: unlinked.data.wechat_ticket }, token), 'A\'s WeChat ticket redeemed on B');
    fails(await a.call('wechat.bind', { wechat_ticket: unlinked.data.wechat_ticket }, token), 'BAD_TICKET', 'once');
    passes(await a.call('login.wechat', { code: 'ok:openid-several' }));

    const pairing = await a.call('device.pairing', {}, token);
    const claimed = await b.call('device.claim', { pairing_code: pairing.data.pairing_code, sn: `SN-${phone}` });
    passes(claimed, 'A\'s pairing code claimed on B');

    const photo = await jpeg(20);
    const grant = await a.call('file.params', { module: 'avatar', filename: 'me.jpg', size: photo.length }, token);
    passes(grant);
    const form = new FormData();
    for (const [k, v] of Object.entries(grant.data.form_data as Record<string, string>)) form.append(k, v);
    form.append(grant.data.file_field, new Blob([new Uint8Array(photo)]), 'me.jpg');
    const sent = await fetch(grant.data.upload_url.replace(a.url, b.url), { method: 'POST', body: form });
    passes((await sent.json()) as Envelope, 'A\'s upload grant accepted by B');
  });

  test('limits hold across the instances, not twice as loose: failed logins, guesses, uploads per camera', async () => {
    const phone = newPhone();
    const token = await a.signUp(phone);
    for (const c of [a, b, a, b]) fails(await c.call('login.pass', { phone, pass: 'wrong-one' }), 'WRONG_PASSWORD');
    for (const c of [a, b]) {
      const locked = await c.call('login.pass', { phone, pass: 'secret123' });
      fails(locked, 'LOCKED', 'four failures in all (the limit) lock the phone on both');
      assert.ok(locked.data.retry_after > 0);
    }

    for (const c of [a, b, a, b]) await c.call('img.validate', { hash: '0'.repeat(32) });
    for (const c of [a, b]) {
      const refused = await c.call('img.validate', { hash: '0'.repeat(32) });
      assert.ok(refused.data.retry_after > 0, 'four wrong guesses in all: refused on both');
    }

    const camera = await a.camera(token);
    const shot = (await jpeg(5)).toString('base64');
    for (const c of [a, b, a, b, a, b]) passes(await c.call('notice.upload', { base64: shot }, camera));
    for (const c of [a, b]) {
      const refused = await c.call('notice.upload', { base64: shot }, camera);
      fails(refused, 'TOO_MANY_NOTICES', 'six uploads in all this minute (the limit)');
    }
  });

  test('a limit whose store cannot be read refuses, and says so in the log', async () => {
    const phone = newPhone();
    await a.signUp(phone);
    let logged = '';
    const listen = (c: Buffer) => (logged += c.toString());
    b.child.proc.stderr!.on('data', listen);
    const stored = await openStored({ DATABASE_URL: databaseUrl, DATA_DIR: tempDir() });
    try {
      await stored.sql.run('alter table throttles rename to throttles_away');
      const refused = await b.call('login.pass', { phone, pass: 'secret123' });
      fails(refused, 'DATABASE', 'the right password is refused (a database error) while failures cannot be counted');
      assert.match(logged, /limit store unreachable: refusing/);
    } finally {
      await stored.sql.run('alter table throttles_away rename to throttles');
      await stored.close();
      b.child.proc.stderr!.off('data', listen);
    }
    passes(await b.call('login.pass', { phone, pass: 'secret123' }), 'back when the store is');
  });

  test.run();
}

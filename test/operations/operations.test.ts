import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../src/log.js';
import { PG_DUMP, pgTool } from '../../src/services/operations/backup.js';
import { engineEnv, jpeg, newPhone, passes, startTestServer, tempDir } from '../helpers.js';
import { openStored } from '../support/sql.js';

// ---------------------------------------------------------------------------------------------
const backup = suite('npm run backup: a consistent copy of a running server');

/** Runs the command as an operator would, while the test keeps the server busy. */
async function runBackup(dataDir: string, target: string) {
  const engine = await engineEnv(dataDir);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/backup.ts', target], { env: { ...process.env, DATA_DIR: dataDir, ...engine } });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c) => (stdout += c));
    proc.stderr.on('data', (c) => (stderr += c));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** As an operator restores a copy: SQLite's file is in it; a PostgreSQL dump goes into a new database with pg_restore. */
async function restoreCopy(target: string): Promise<Record<string, string>> {
  const engine = await engineEnv(target);
  if (!engine.DATABASE_URL) return {};
  const r = spawnSync(pgTool('pg_restore'), ['--no-owner', `--dbname=${engine.DATABASE_URL}`, path.join(target, PG_DUMP)], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return engine;
}

backup('during four-way camera ingest: every fall acknowledged before it began is in the copy with its photo; integrity ok; no staged file; the copy serves', async () => {
  const t = await startTestServer({ NOTICES_PER_DEVICE_PER_MINUTE: '100000' });
  const target = path.join(tempDir(), 'copy');
  const phone = newPhone();
  try {
    const token = await t.signUp(phone);
    const camera = await t.addDevice(token);
    const photos = await Promise.all(Array.from({ length: 8 }, () => jpeg(100)));
    const acked: { pic: string; at: number; bytes: Buffer }[] = [];
    let stop = false;
    let n = 0;
    const worker = async () => {
      while (!stop) {
        const bytes = Buffer.concat([photos[n++ % photos.length]!, Buffer.from(String(n))]); // a different photo each time
        const res = await t.upload(camera, bytes);
        if (res.status === 0) acked.push({ pic: res.data.pic_name, at: performance.now(), bytes });
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    while (acked.length < 20) await new Promise((r) => setTimeout(r, 20));
    const began = performance.now();
    const result = await runBackup(t.dataDir, target);
    stop = true;
    await Promise.all(workers);
    assert.is(result.code, 0, result.stderr);
    assert.match(result.stdout, /backed up .* the database and \d+ files/);
    const before = acked.filter((a) => a.at < began);
    assert.ok(before.length >= 20 && acked.length > before.length, `${before.length} before, ${acked.length - before.length} during`);

    const copyEnv = { DATA_DIR: target, ...await restoreCopy(target) };
    const copy = await openStored(copyEnv);
    assert.ok(await copy.intact());
    const pics = new Set((await copy.sql.all<{ pic_name: string }>('select pic_name from notices')).map((r) => r.pic_name));
    await copy.close();
    for (const a of before) {
      assert.ok(pics.has(a.pic), `${a.pic} acknowledged before the backup is in it`);
      assert.ok(fs.readFileSync(path.join(target, 'notices', a.pic.slice(0, 2), a.pic)).equals(a.bytes), 'byte for byte');
    }
    const all = fs.readdirSync(target, { recursive: true }).map(String);
    assert.equal(all.filter((f) => f.includes('.tmp')), [], 'no staged file');
    assert.is((await runBackup(t.dataDir, target)).code, 2, 'refuses a folder that is not empty');

    await t.close(true);
    const restored = await startTestServer(copyEnv, { dataDir: target });
    try {
      const again = await restored.login(phone);
      const list = (await restored.call('notice.get', { mode: 2 }, { token: again })).data.list as { event_id: string; pic_name: string }[];
      assert.is(list.length, pics.size);
      const sample = list.find((l) => l.pic_name === before[0]!.pic)!;
      const info = await restored.call('notice.info', { event_id: sample.event_id }, { token: again });
      assert.ok(Buffer.from(info.data.base64, 'base64').equals(before[0]!.bytes));
    } finally {
      await restored.close();
    }
  } finally {
    await t.close().catch(() => undefined);
    fs.rmSync(path.dirname(target), { recursive: true, force: true });
  }
});

backup.run();

// ---------------------------------------------------------------------------------------------
const logs = suite('logs: phone numbers masked, request ids on every line of a request');

logs('a phone keeps its last four digits unless LOG_LEVEL=debug; hex ids are left alone', () => {
  const lines: string[] = [];
  const info = createLogger('info', (l) => lines.push(l));
  info.warn('sent to 13812345678', { phone: '13987654321', event_id: 'ab13812345678cd13812345678ef0123' });
  const debug = createLogger('debug', (l) => lines.push(l));
  debug.info('x', { phone: '13987654321' });
  const [masked, plain] = lines.map((l) => JSON.parse(l));
  assert.is(masked.msg, 'sent to *******5678');
  assert.is(masked.phone, '*******4321');
  assert.is(masked.event_id, 'ab13812345678cd13812345678ef0123');
  assert.not.match(lines[0]!.replace(masked.event_id, ''), /13812345678|13987654321/);
  assert.is(plain.phone, '13987654321');
});

logs('every line a handler (and the services it calls) writes for a request carries its X-Request-Id', async () => {
  const lines: Record<string, unknown>[] = [];
  const t = await startTestServer({}, { log: createLogger('info', (l) => lines.push(JSON.parse(l))) });
  try {
    const phone = newPhone();
    const token = await t.signUp(phone);
    const camera = await t.addDevice(token);
    await t.upload(camera, await jpeg(5));
    const item = (await t.call('notice.get', { mode: 0 }, { token })).data.list[0];
    lines.length = 0;
    const res = await fetch(`${t.url}/get/notice?token=${token}`, { method: 'POST', body: JSON.stringify({ id: 1, type: 'notice', subtype: 'info', data: { event_id: item.event_id } }) });
    await res.json();
    const rid = res.headers.get('x-request-id');
    const acked = lines.find((l) => l.msg === 'fall acknowledged')!;
    assert.ok(acked, 'the handler logged');
    assert.is(acked.rid, rid);
    assert.is(acked.phone, `*******${phone.slice(-4)}`);
    assert.ok(lines.filter((l) => l.msg === 'request').every((l) => l.rid === rid));
  } finally {
    await t.close();
  }
});

logs.run();

// ---------------------------------------------------------------------------------------------
const metrics = suite('GET /metrics');

/** The value of one sample line of a Prometheus text page, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[3] ?? '').split(',');
    if (want.every((w) => have.includes(w))) return Number(m[4]);
  }
  return 0;
}

metrics('a scrape from loopback shows requests, uploads, streams, alerts, messages, failed logins and refused guesses moving; default process metrics too', async () => {
  const t = await startTestServer({ ALERT_SMS_COOLDOWN_SECONDS: '0' });
  try {
    const scrape = async () => {
      const res = await fetch(`${t.url}/metrics`);
      assert.is(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
      return res.text();
    };
    const phone = newPhone();
    const token = await t.signUp(phone);
    const camera = await t.addDevice(token);
    const before = await scrape();
    const stream = await fetch(`${t.url}/notice/stream?token=${token}`);
    await t.upload(camera, await jpeg(5));
    await t.call('notice.get', { mode: 0 }, { token });
    await t.call('login.pass', { phone, pass: 'wrong-one' });
    for (let i = 0; i < 31; i++) await t.call('img.validate', { hash: 'f'.repeat(32) });
    await new Promise((r) => setTimeout(r, 200));
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
    assert.is(moved('helpaged_requests_total', { endpoint: '/get/notice', op: 'notice.get', status: '0' }), 1);
    assert.is(moved('helpaged_requests_total', { endpoint: '/user/login', op: 'login.pass', status: '101' }), 1);
    assert.is(moved('helpaged_request_duration_seconds_count', { endpoint: '/notice', op: 'notice.upload' }), 1);
    assert.is(moved('helpaged_camera_uploads_total', { photo_ok: 'true' }), 1);
    assert.ok(moved('helpaged_camera_upload_bytes_total') > 5000);
    assert.is(sample(after, 'helpaged_alert_streams_open'), 1);
    assert.is(moved('helpaged_alert_delivery_seconds_count', { path: 'stream' }), 1);
    assert.is(moved('helpaged_alert_delivery_seconds_count', { path: 'sms' }), 1);
    assert.is(moved('helpaged_messages_total', { kind: 'alert', result: 'sent' }), 1);
    assert.is(moved('helpaged_login_failures_total'), 1);
    assert.ok(moved('helpaged_guesses_refused_total', { kind: 'img' }) >= 1);
    assert.ok(sample(after, 'process_resident_memory_bytes') > 0);
    assert.match(after, /nodejs_eventloop_lag_p99_seconds/);
    await stream.body?.cancel();
  } finally {
    await t.close();
  }
});

metrics('anyone not in METRICS_ALLOW gets 404, unless the request bears METRICS_TOKEN', async () => {
  const t = await startTestServer({ METRICS_ALLOW: '10.0.0.0/8', METRICS_TOKEN: 's3cret-scrape' });
  try {
    const denied = await fetch(`${t.url}/metrics`);
    assert.is(denied.status, 404);
    assert.equal(await denied.json(), { id: -1, status: -404, message: 'Unknown Error', data: {} });
    assert.is((await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 404);
    assert.is((await fetch(`${t.url}/metrics`, { headers: { 'x-forwarded-for': '10.1.1.1' } })).status, 404, 'the peer counts, not a header');
    const allowed = await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer s3cret-scrape' } });
    assert.is(allowed.status, 200);
    assert.match(await allowed.text(), /helpaged_requests_total/);
  } finally {
    await t.close();
  }
});

metrics.run();

/**
 * npm run bench [-- --rounds 3 --duration 10 --only S1,S6,S8,S9,S10 --engine sqlite|postgres]
 * npm run bench -- --instances 2   (I1, I2: two instances on one PostgreSQL against one, same run)
 *
 * Starts HelpAged Server on a fresh database and the baselines of
 * test/bench/baseline.ts, each as its own process pinned to core 0 (the load
 * generator runs on core 1), alternates A/B `rounds` times and prints medians
 * with their spread and the ratio to the baseline measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import sharp from 'sharp';
import { account, call, dropScratch, HAS_TASKSET, busyWhile, kernelCounters, kernelDelta, processCpu, scratchDir, serverSeen, load, loadInChild, median, openLoopInChild, pinSelf, spread, startServer, stats, type Load, type Server } from './lib.js';
import { cameraBodies, cameraTemplates, smallJpeg } from './photos.js';
import { HAS_WRK, wrk, type WrkOptions } from './wrk.js';
import { openLoop, type OpenLoopResult } from './open-loop.js';
import { s9 } from './growth.js';
import { s10 } from './photo-serving.js';
import { exec } from './bulk.js';
import { databaseFor, startCluster } from '../support/postgres.js';

// with several instances nothing is pinned: the instances, PostgreSQL and the load share both cores
const FLOAT = process.argv.includes('--instances');
pinSelf(FLOAT);

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' }, duration: { type: 'string', default: '10' }, only: { type: 'string', default: 'S1,S2,S3,S4,S5,S6,S7,S8,S9,S10' },
    engine: { type: 'string', default: 'sqlite' },
    instances: { type: 'string', default: '1' },
  },
});
const INSTANCES = Number(args.instances);
if (INSTANCES > 1) {
  if (INSTANCES !== 2) throw new Error('--instances: 2 (one per core)');
  args.engine = 'postgres';
  if (!process.argv.includes('--only')) args.only = 'I1,I2';
}
if (args.engine !== 'sqlite' && args.engine !== 'postgres') throw new Error(`--engine ${args.engine}: sqlite or postgres`);
/** --engine postgres: a throwaway cluster with fsync on (commits durable as in production), one database per server. */
const cluster = args.engine === 'postgres' ? await startCluster(true) : null;
// PostgreSQL is a server too: it would inherit this process's core, the load's, and starve the load generators
// (S3's reads measured p50 9-10 ms that way, 5 ms with PostgreSQL on both cores); it runs where the OS puts it
if (cluster && HAS_TASKSET && !FLOAT) unpin(cluster);
/** The cluster's processes now: the postmaster, then its children. */
function clusterPids(c: NonNullable<typeof cluster>): string[] {
  const master = fs.readFileSync(path.join(JSON.parse(c.handle).dir as string, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]!;
  return [master, ...spawnSync('pgrep', ['-P', master], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)];
}
function unpin(c: NonNullable<typeof cluster>): void {
  // the backends forked later take the postmaster's affinity
  for (const pid of clusterPids(c)) spawnSync('taskset', ['-a', '-p', '-c', `0-${os.cpus().length - 1}`, pid], { stdio: 'ignore' });
}
/** CPU seconds the cluster's processes have used so far (one that exited is not counted). */
function clusterCpu(c: NonNullable<typeof cluster>): number {
  let seconds = 0;
  for (const pid of clusterPids(c)) {
    try {
      seconds += processCpu(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return seconds;
}
const engineEnv = async (dataDir: string): Promise<Record<string, string>> =>
  cluster ? { DATABASE_URL: await databaseFor(cluster.url('postgres'), dataDir) } : {};
const ROUNDS = Number(args.rounds);
const DURATION = Number(args.duration);
const ONLY = new Set(args.only!.split(','));
const results: string[] = [];

function report(line: string): void {
  results.push(line);
  console.log(line);
}

let phoneSeq = 0;
const nextPhone = () => `137${String(process.pid % 10000).padStart(4, '0')}${String(++phoneSeq).padStart(4, '0')}`;

async function ours(extra: Record<string, string> = {}) {
  const dataDir = scratchDir('helpaged-bench-');
  const server = await startServer('src/main.ts', { DATA_DIR: dataDir, LOG_LEVEL: 'warn', NOTICES_PER_DEVICE_PER_MINUTE: '100000000', ...await engineEnv(dataDir), ...extra });
  return { server: { ...server, stop: () => server.stop().then(() => dropScratch(dataDir)) }, dataDir };
}

async function baseline(json?: string, extra: Record<string, string> = {}) {
  const dir = scratchDir('helpaged-baseline-');
  const server = await startServer('test/bench/baseline.ts', { BASELINE_DIR: dir, ...(json ? { BASELINE_JSON: json } : {}), ...extra });
  return { server: { ...server, stop: () => server.stop().then(() => dropScratch(dir)) }, dir };
}

/** S5's baseline: the same rows through the same driver, without HTTP or validation. */
const RAW = cluster ? 'node-postgres' : 'better-sqlite3';

const fmt = (l: Load) => `${l.rps.toFixed(0)} req/s, p50 ${+l.p50.toFixed(1)} ms, p99 ${+l.p99.toFixed(1)} ms, errors ${l.errors}`;

/** A server with one account whose camera posted 20 falls: S1's and S8's `notice.get`. */
async function twentyFalls() {
  const { server, dataDir } = await ours();
  const token = await account(server, dataDir, nextPhone());
  const device = (await call(`${server.url}/api/device?token=${token}`, 'device', 'add', { device: 'bench-cam' })).data.device_id;
  await call(`${server.url}/api/device?token=${token}`, 'device', 'bind', { device_id: device });
  for (let i = 0; i < 20; i++) await call(`${server.url}/api/notice?token=${device}`, 'notice', 'upload', { base64: (await smallJpeg()).toString('base64'), content: `fall ${i}` });
  const body = JSON.stringify({ id: 1, type: 'notice', subtype: 'get', data: { mode: 2 } });
  const sample = await (await fetch(`${server.url}/api/get/notice?token=${token}`, { method: 'POST', body })).text();
  if (JSON.parse(sample).data.num !== 20) throw new Error(`setup: ${sample.slice(0, 200)}`);
  return { server, token, body, sample };
}

/** S1's closed-loop rate (the median of its rounds), for S8 in the same run. */
let s1Rate = 0;

/** autocannon's options for the same envelope POSTed closed-loop. */
const posting = (url: string, body: string, connections: number, duration: number) =>
  ({ url, method: 'POST' as const, body, connections, duration, headers: { 'content-type': 'application/json' } });

/** A server's closed-loop rate as S1 measures it (50 connections), after 2 s of warm-up. */
async function closedRate(url: string, body: string): Promise<number> {
  await load(posting(url, body, 50, 2));
  return (await load(posting(url, body, 50, DURATION))).rps;
}

async function s1(): Promise<void> {
  const { server, token, body, sample } = await twentyFalls();
  const base = await baseline(sample);
  const opts = (url: string) => posting(url, body, 50, DURATION);
  await load({ ...opts(`${server.url}/api/get/notice?token=${token}`), duration: 2 });
  await load({ ...opts(`${base.server.url}/api/get/notice`), duration: 2 });
  const a: Load[] = [];
  const b: Load[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await load(opts(`${server.url}/api/get/notice?token=${token}`)));
    b.push(await load(opts(`${base.server.url}/api/get/notice`)));
    console.log(`  S1 round ${r + 1}: ours ${fmt(a.at(-1)!)} | baseline ${fmt(b.at(-1)!)}`);
  }
  const check = JSON.parse(await (await fetch(`${server.url}/api/get/notice?token=${token}`, { method: 'POST', body })).text());
  if (check.status !== 0 || check.data.num !== 20) throw new Error('S1: the token stopped working during the run');
  s1Rate = median(a.map((x) => x.rps));
  const ratio = s1Rate / median(b.map((x) => x.rps));
  report(`S1 authenticated notice.get (20 notices, 50 connections): ${spread(a.map((x) => x.rps))} req/s vs baseline ${spread(b.map((x) => x.rps))} req/s `
    + `= ${ratio.toFixed(2)} (target >= 0.85); p50 ${spread(a.map((x) => x.p50), 1)} ms, p99 ${spread(a.map((x) => x.p99), 1)} ms (target < 20); `
    + `errors ${a.reduce((n, x) => n + x.errors, 0)}`);
  await server.stop();
  await base.server.stop();
}

/**
 * S8: `notice.get` at a fixed rate, 50% and 80% of S1's closed-loop rate in the same run (measured here
 * when S1 did not run), on 200 connections, open loop (test/bench/open-loop.ts): each request timed from
 * when it was due, so a stall counts for every request it held up. Alternating the two rates each round.
 */
async function s8(): Promise<void> {
  const { server, token, body, sample } = await twentyFalls();
  const url = `${server.url}/api/get/notice?token=${token}`;
  const rate = s1Rate || await closedRate(url, body);
  // what the server does closed-loop on the open loop's 200 connections (S1 uses 50): more sockets answer
  // fewer requests, so that a share of S1's rate is a larger share of this
  const dir = scratchDir('helpaged-s8-');
  const closed = HAS_WRK
    ? await wrk({ url, body, connections: 200, duration: DURATION, dir })
    : await load(posting(url, body, 200, DURATION));
  dropScratch(dir);
  const shares = [0.5, 0.8] as const;
  const runs = new Map<number, OpenLoopResult[]>(shares.map((s) => [s, []]));
  const loops = new Map<number, number[]>(shares.map((s) => [s, []]));
  await openLoop({ url, body, rate: rate * 0.5, connections: 200, duration: 2 });
  for (let r = 0; r < ROUNDS; r++) {
    for (const share of shares) {
      await stats(server, true);
      const result = await openLoop({ url, body, rate: Math.round(rate * share), connections: 200, duration: DURATION });
      const loop = (await stats(server)).event_loop_delay_ms;
      runs.get(share)!.push(result);
      loops.get(share)!.push(loop.max);
      console.log(`  S8 round ${r + 1}, ${share * 100}% (${Math.round(rate * share)} req/s): ${result.rps.toFixed(0)} answered/s, p50 ${result.p50} ms, p99 ${result.p99} ms, `
        + `p99.9 ${result.p999} ms, max ${result.max} ms, over 50 ms ${result.over50}, errors ${result.errors}; server event-loop delay max ${loop.max} ms`);
    }
  }
  const line = (share: number) => {
    const xs = runs.get(share)!;
    return `${share * 100}% (${Math.round(rate * share)} req/s): p50 ${spread(xs.map((x) => x.p50), 1)} ms, p99 ${spread(xs.map((x) => x.p99), 1)} ms, `
      + `max ${spread(xs.map((x) => x.max), 0)} ms, server loop delay max ${spread(loops.get(share)!, 0)} ms`;
  };
  const errors = [...runs.values()].flat().reduce((n, x) => n + x.errors, 0);
  // the same measurement of S1's baseline (an express route answering the same text): its own 50-connection
  // rate, then the open loop at 80% of it on 200 connections, once
  const base = await baseline(sample);
  const baseUrl = `${base.server.url}/api/get/notice`;
  const baseRate = await closedRate(baseUrl, body);
  await openLoop({ url: baseUrl, body, rate: baseRate * 0.5, connections: 200, duration: 2 });
  const baseOpen = await openLoop({ url: baseUrl, body, rate: Math.round(baseRate * 0.8), connections: 200, duration: DURATION });
  await base.server.stop();
  report(`S8 notice.get open loop on 200 connections, S1's rate ${rate.toFixed(0)} req/s${s1Rate ? '' : ' (measured here)'}: ${line(0.5)}; ${line(0.8)} (target p99 < 50); errors ${errors}; `
    + `closed loop on 200 connections (${HAS_WRK ? 'wrk' : 'autocannon'}) ${closed.rps.toFixed(0)} req/s, p99 ${+closed.p99.toFixed(1)} ms: 80% of S1's rate is ${(rate * 80 / closed.rps).toFixed(0)}% of it; `
    + `S1's baseline the same way: 80% of its ${baseRate.toFixed(0)} req/s on 200 connections, p50 ${baseOpen.p50} ms, p99 ${baseOpen.p99} ms, max ${baseOpen.max} ms`);
  await server.stop();
}

async function ingestSetup() {
  const { server, dataDir } = await ours();
  const token = await account(server, dataDir, nextPhone());
  const device = (await call(`${server.url}/api/device?token=${token}`, 'device', 'add', { device: `ingest-${phoneSeq}` })).data.device_id;
  await call(`${server.url}/api/device?token=${token}`, 'device', 'bind', { device_id: device });
  return { server, dataDir, token, device };
}

let s2Max = 0;
async function s2(): Promise<void> {
  const next = await cameraBodies(12);
  const { server, device } = await ingestSetup();
  const base = await baseline();
  const opts = (url: string) => ({
    url, method: 'POST' as const, connections: 8, duration: DURATION, headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: next() }) }],
  });
  const a: Load[] = [];
  const b: Load[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(await load(opts(`${server.url}/api/notice?token=${device}`)));
    b.push(await load(opts(`${base.server.url}/api/notice`)));
    console.log(`  S2 round ${r + 1}: ours ${fmt(a.at(-1)!)} | baseline ${fmt(b.at(-1)!)}`);
  }
  s2Max = median(a.map((x) => x.rps));
  const ratio = s2Max / median(b.map((x) => x.rps));
  report(`S2 fall-notice ingest (500-900 KB JPEGs, 8 connections): ${spread(a.map((x) => x.rps), 1)} notices/s vs baseline (base64 + write + fsync) `
    + `${spread(b.map((x) => x.rps), 1)} = ${ratio.toFixed(2)} (target >= 0.8); errors ${a.reduce((n, x) => n + x.errors, 0)} (target 0)`);
  await server.stop();
  await base.server.stop();
}

/**
 * S2R: S2 while the photo-retention sweep removes 100,000 expired photos (NOTICE_RETENTION_DAYS), against
 * S2 on a server with nothing to sweep, alternating, a fresh server each round. The expired falls are
 * written into the tables and their files into DATA_DIR/notices while the server is stopped; it starts
 * sweeping them as it starts, and the load begins at once. How many files were still there when the
 * load ended shows the sweep ran through it.
 */
const EXPIRED = 100_000;
async function s2r(): Promise<void> {
  const next = await cameraBodies(12);
  const sweeping = async () => {
    const dataDir = scratchDir('helpaged-bench-');
    const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', NOTICES_PER_DEVICE_PER_MINUTE: '100000000', NOTICE_RETENTION_DAYS: '30', ...await engineEnv(dataDir) };
    let server = await startServer('src/main.ts', env);
    const token = await account(server, dataDir, nextPhone());
    const device = (await call(`${server.url}/api/device?token=${token}`, 'device', 'add', { device: `sweep-${phoneSeq}` })).data.device_id as string;
    await call(`${server.url}/api/device?token=${token}`, 'device', 'bind', { device_id: device });
    await server.stop();
    const old = Date.now() - 60 * 86_400_000;
    const hex = (e: string) => (env.DATABASE_URL ? `lpad(to_hex(${e}), 32, '0')` : `printf('%032x', ${e})`);
    const series = env.DATABASE_URL ? `(select generate_series(1, ${EXPIRED})::bigint as i)` : `(with recursive s(i) as (select 1 union all select i + 1 from s where i < ${EXPIRED}) select i from s)`;
    await exec(dataDir, env, `insert into notices (event_id, device_id, content, pic_name, image_type, created_at, photo_ok, ack_phone, ack_at)
      select ${hex('i + 1000000000000')}, d.id, '', ${hex('i + 5000000000000')}, 'jpeg', ${old} + s.i, 1, 'bench', ${old} + s.i + 60000
      from ${series} s, devices d where d.device_id = ?`, [device]);
    const photo = await smallJpeg();
    for (let i = 1; i <= EXPIRED; i++) {
      const name = (i + 5_000_000_000_000).toString(16).padStart(32, '0');
      const dir = path.join(dataDir, 'notices', name.slice(0, 2));
      if (i === 1 || name.endsWith('000')) fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, name), photo);
    }
    server = await startServer('src/main.ts', env);
    const remaining = () => fs.readdirSync(path.join(dataDir, 'notices'), { recursive: true }).length;
    return { server: { ...server, stop: () => server.stop().then(() => dropScratch(dataDir)) }, device, remaining };
  };
  const opts = (url: string) => ({
    url, method: 'POST' as const, connections: 8, duration: DURATION, headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: next() }) }],
  });
  const a: Load[] = [];
  const b: Load[] = [];
  const left: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const swept = await sweeping();
    a.push(await load(opts(`${swept.server.url}/api/notice?token=${swept.device}`)));
    left.push(swept.remaining());
    await swept.server.stop();
    const plain = await ingestSetup();
    b.push(await load(opts(`${plain.server.url}/api/notice?token=${plain.device}`)));
    await plain.server.stop();
    console.log(`  S2R round ${r + 1}: sweeping ${fmt(a.at(-1)!)} (files left after the load: ${left.at(-1)}) | nothing to sweep ${fmt(b.at(-1)!)}`);
  }
  const ratio = median(a.map((x) => x.rps)) / median(b.map((x) => x.rps));
  report(`S2R ingest while ${EXPIRED.toLocaleString('en')} expired photos are swept: ${spread(a.map((x) => x.rps), 1)} notices/s vs ${spread(b.map((x) => x.rps), 1)} with nothing to sweep `
    + `= ${ratio.toFixed(2)}; p99 ${spread(a.map((x) => x.p99), 0)} ms vs ${spread(b.map((x) => x.p99), 0)} ms; files still to remove when the load ended: ${left.join(', ')}; errors ${a.reduce((n, x) => n + x.errors, 0)}`);
}

async function s3(): Promise<void> {
  const next = await cameraBodies(12);
  const { server, token, device } = await ingestSetup();
  for (let i = 0; i < 20; i++) await call(`${server.url}/api/notice?token=${device}`, 'notice', 'upload', { base64: (await smallJpeg()).toString('base64') });
  /** Camera uploads on 8 connections, as fast as they go. */
  const uploads = (duration: number) => load({
    url: `${server.url}/api/notice?token=${device}`, method: 'POST', connections: 8, duration,
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: next() }) }],
  });
  if (!s2Max) s2Max = (await uploads(DURATION)).rps;
  const rate = Math.max(1, Math.floor(s2Max * 0.8));
  // At the rate, one every 1/rate s on the same 8 connections (an open loop): autocannon's overallRate sends
  // each connection's quota for the second at once, so ingest ran at full speed for most of each second and
  // then not at all (docs/PERFORMANCE.md, S3)
  const steady = (duration: number) => openLoop({ url: `${server.url}/api/notice?token=${device}`, body: next, rate, connections: 8, duration });
  // Steady state, not start-up: a fresh server's first seconds of ingest (code not yet optimised, heap still
  // growing) gave read p99 55-87 ms where a warmed one gave 18.
  await steady(5);
  await stats(server, true);
  const body = JSON.stringify({ id: 1, type: 'notice', subtype: 'get', data: { mode: 0, limit: 20 } });
  // The reads are timed from a process of their own: timed by the event loop that sends the uploads, their p99
  // was that loop's (70-87 ms while the server's own loop never stalled more than 27 ms). They are an open
  // loop, one every 5 ms timed from when it was due: autocannon's overallRate sends each connection's quota
  // for the second at once and, for a rate, fills its histogram in as if a request were due every ms, so one
  // 100 ms reply counted as a hundred (docs/PERFORMANCE.md, S3).
  const readLoad = await openLoopInChild();
  const [ingest, reads] = await Promise.all([
    steady(DURATION),
    readLoad({ url: `${server.url}/api/get/notice?token=${token}`, body, rate: 200, connections: 10, duration: DURATION }),
  ]);
  const loop = (await stats(server)).event_loop_delay_ms;
  report(`S3 reads during ingest at ${rate}/s (80% of S2): notice.get p99 ${reads.p99} ms (target < 50), p50 ${reads.p50} ms, max ${reads.max} ms, `
    + `${reads.over50} of ${reads.due} over 50 ms, ${reads.rps.toFixed(0)} reads/s; `
    + `ingest ${ingest.rps.toFixed(1)}/s; event-loop delay p99 ${loop.p99} ms (target < 20), max ${loop.max} ms; errors ${ingest.errors + reads.errors}`);
  await server.stop();
}

function sendBig(url: string, bytes: number): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(bytes) } });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, ms: performance.now() - started }));
      req.destroy();
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

async function s4(): Promise<void> {
  const { server, token, device } = await ingestSetup();
  const cold = (await stats(server)).rss;
  // A server just started has not yet grown V8's heap to its working size: the first thousand requests of any
  // kind add 10-16 MiB. Ordinary traffic first, so that what is measured is what the abuse itself costs.
  const photo = JSON.stringify({ id: 1, type: 'notice', subtype: 'upload', data: { base64: (await smallJpeg()).toString('base64') } });
  const get = JSON.stringify({ id: 1, type: 'notice', subtype: 'get', data: { mode: 0, limit: 20 } });
  for (let batch = 0; batch < 100; batch++) {
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2
      ? fetch(`${server.url}/api/get/notice?token=${token}`, { method: 'POST', body: get })
      : fetch(`${server.url}/api/notice?token=${device}`, { method: 'POST', body: photo })).then((r) => r.json() as Promise<{ status: number }>)));
    if (replies.some((r) => r.status !== 0)) throw new Error(`S4 warm-up: ${JSON.stringify(replies.find((r) => r.status !== 0))}`);
  }
  const before = (await stats(server)).rss;
  const big: { status: number; ms: number }[] = [];
  for (let batch = 0; batch < 10; batch++) {
    big.push(...await Promise.all(Array.from({ length: 10 }, () => sendBig(`${server.url}/api/notice?token=${device}`, 20 * 1024 * 1024))));
  }
  const afterBig = (await stats(server)).rss;
  const junk = ['{', '[]', 'null', '{"id":1}', '{"type":"notice","subtype":"upload","data":"x"}', '\u0000\u0001', '{"type":1,"subtype":[],"data":{}}',
    JSON.stringify({ id: 'x', type: 'notice', subtype: 'upload', data: { base64: 'not base64!' } }), '{"a":'.repeat(5000)];
  const statuses = new Set<number>();
  let malformedMs = 0;
  for (let batch = 0; batch < 50; batch++) {
    const t0 = performance.now();
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      fetch(`${server.url}/api/notice?token=${device}`, { method: 'POST', body: junk[(batch * 20 + i) % junk.length] }).then((r) => r.json() as Promise<{ status: number }>)));
    malformedMs += performance.now() - t0;
    for (const r of replies) statuses.add(r.status);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const after = (await stats(server)).rss;
  const refused = big.filter((b) => b.status === 413).length;
  report(`S4 abuse: ${refused}/100 bodies of 20 MB refused with 413, median ${median(big.map((b) => b.ms)).toFixed(1)} ms, max ${Math.max(...big.map((b) => b.ms)).toFixed(1)} ms; `
    + `1,000 malformed envelopes answered in ${(malformedMs / 1000).toFixed(2)} ms each (statuses ${[...statuses].sort((x, y) => x - y).join(', ')}); `
    + `RSS ${(before / 2 ** 20).toFixed(1)} -> ${(after / 2 ** 20).toFixed(1)} MiB (+${((after - before) / 2 ** 20).toFixed(1)}, target < 20; `
    + `+${((afterBig - before) / 2 ** 20).toFixed(1)} after the big bodies; the 2,000 ordinary requests before took it from ${(cold / 2 ** 20).toFixed(1)} MiB)`);
  await server.stop();
}

async function s5(): Promise<void> {
  const { server, dataDir } = await ours();
  const token = await account(server, dataDir, nextPhone());
  const start = Date.UTC(2025, 0, 1) / 1000 - 8 * 3600;
  const batch = (i: number) => Array.from({ length: 1000 }, (_, j) => ({ type: 'heart_rate', value: 55 + ((i * 1000 + j) % 50), timestamp: start + (i * 1000 + j) * 60 }));
  const MINUTES = 366 * 24 * 60;
  const batches = Math.ceil(MINUTES / 1000);
  const perRound = Math.floor(batches / ROUNDS);
  const a: number[] = [];
  const b: number[] = [];
  let done = 0;
  const baseDir = scratchDir('helpaged-sqlite-');
  for (let r = 0; r < ROUNDS; r++) {
    const bodies = Array.from({ length: perRound }, (_, k) => JSON.stringify({ id: 1, type: 'health', subtype: 'upload', data: { samples: batch(done + k) } }));
    let t0 = performance.now();
    const queue = [...bodies];
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let body = queue.shift(); body; body = queue.shift()) {
        const res = await (await fetch(`${server.url}/api/health?token=${token}`, { method: 'POST', body })).json() as { status: number; data: { received_count: number } };
        if (res.status !== 0 || res.data.received_count !== 1000) throw new Error(`S5 upload: ${JSON.stringify(res).slice(0, 200)}`);
      }
    }));
    a.push((perRound * 1000) / ((performance.now() - t0) / 1000));
    fs.writeFileSync(path.join(baseDir, 'rows.json'), JSON.stringify(bodies.map((x) => JSON.parse(x).data.samples)));
    t0 = performance.now();
    const raw = cluster
      ? await startServer('test/bench/pg-baseline.ts', { BASELINE_DIR: baseDir, BASELINE_PG_URL: (await engineEnv(`${baseDir}-raw`)).DATABASE_URL! })
      : await startServer('test/bench/sqlite-baseline.ts', { BASELINE_DIR: baseDir });
    const rate = ((await (await fetch(`${raw.url}/run`)).json()) as { samples_per_second: number }).samples_per_second;
    await raw.stop();
    b.push(rate);
    done += perRound;
    console.log(`  S5 round ${r + 1}: ours ${a.at(-1)!.toFixed(0)} samples/s | raw ${RAW} ${rate.toFixed(0)} samples/s`);
  }
  for (; done < batches; done++) {
    await fetch(`${server.url}/api/health?token=${token}`, { method: 'POST', body: JSON.stringify({ id: 1, type: 'health', subtype: 'upload', data: { samples: batch(done) } }) });
  }
  const ratio = median(a) / median(b);
  report(`S5 health upload (1,000-sample batches over HTTP, 4 at a time): ${spread(a)} samples/s vs raw ${RAW} batch insert of the same rows ${spread(b)} = ${ratio.toFixed(2)} (target >= 0.5)`);

  const q = (month: number) => JSON.stringify({ id: 1, type: 'health', subtype: 'query', data: {
    type: 'heart_rate', granularity: 'hour', start_time: Date.UTC(2025, month, 1) / 1000 - 8 * 3600, end_time: Date.UTC(2025, month + 1, 1) / 1000 - 8 * 3600 } });
  const times: number[] = [];
  for (let i = 0; i < 120; i++) {
    const t0 = performance.now();
    const res = await (await fetch(`${server.url}/api/health?token=${token}`, { method: 'POST', body: q(i % 12) })).json() as { status: number; data: { points: unknown[]; summary: { count: number } } };
    times.push(performance.now() - t0);
    if (res.status !== 0 || res.data.summary.count < 40_000) throw new Error(`S5 query: ${JSON.stringify(res).slice(0, 200)}`);
  }
  times.sort((x, y) => x - y);
  report(`S5 chart: a month of hourly points (~720 buckets) over a year of per-minute heart rate (${MINUTES.toLocaleString('en')} samples): `
    + `p50 ${times[Math.floor(times.length * 0.5)]!.toFixed(1)} ms, p99 ${times[Math.floor(times.length * 0.99)]!.toFixed(1)} ms over ${times.length} queries`);
  await server.stop();
  dropScratch(baseDir);
}

/** Open SSE streams read by one process, with the time each `notice` event id arrived on each. */
interface Streams {
  opened: number;
  arrivals: Map<string, number[]>;
  /** The first notice block seen, as sent (without its chunk framing). */
  sample: string | null;
  close(): void;
}

/**
 * Opens a stream for each path, 500 connecting at a time. Raw sockets read into one shared buffer (net's onread),
 * not http.get or 'data' events: one process must read 10,000 streams as fast as a server writes them.
 */
async function openStreams(url: string, paths: string[]): Promise<Streams> {
  const { port } = new URL(url);
  const marker = Buffer.from('event: notice\ndata: {"event_id":"');
  const shared = Buffer.allocUnsafe(64 * 1024);
  const sockets: net.Socket[] = [];
  const streams: Streams = { opened: 0, arrivals: new Map(), sample: null, close: () => sockets.forEach((s) => s.destroy()) };
  const open = (where: string) => new Promise<void>((resolve, reject) => {
    let head = true;
    const socket = net.connect({
      port: Number(port),
      host: '127.0.0.1',
      onread: {
        buffer: shared,
        callback: (n: number, buf: Buffer) => {
          const at = performance.now();
          const chunk = buf.subarray(0, n); // the shared buffer holds older reads past n
          if (head) {
            head = false;
            if (!chunk.toString('latin1', 0, 12).startsWith('HTTP/1.1 200')) {
              reject(new Error(`S6 stream: ${chunk.toString('latin1', 0, 100)}`));
              return true;
            }
            streams.opened++;
            resolve();
          }
          for (let i = chunk.indexOf(marker); i >= 0; i = chunk.indexOf(marker, i + 1)) {
            const id = chunk.toString('latin1', i + marker.length, i + marker.length + 32);
            const seen = streams.arrivals.get(id);
            if (seen) seen.push(at);
            else streams.arrivals.set(id, [at]);
            streams.sample ??= chunk.toString('utf8', chunk.lastIndexOf('id: ', i), chunk.indexOf('\n\n', i) + 2);
          }
          return true;
        },
      },
    }, () => socket.write(`GET ${where} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`));
    socket.on('error', reject);
    socket.on('close', () => head && reject(new Error(`S6 stream: closed before its headers (${streams.opened} open)`)));
    sockets.push(socket);
  });
  // 500 connecting at a time: 10,000 at once overflow the listen backlog, and a dropped SYN waits seconds
  let next = 0;
  await Promise.all(Array.from({ length: 500 }, async () => {
    while (next < paths.length) await open(paths[next++]!);
  }));
  return streams;
}

/** Delays from `send` to every stream of `falls` falls, one at a time: each fall's p99 and the reply's time. */
async function fanOut(label: string, streams: Streams, falls: number, send: (f: number, t0: number) => Promise<{ eventId: string; reply: number }>): Promise<{ p99s: number[]; replies: number[] }> {
  const p99s: number[] = [];
  const replies: number[] = [];
  for (let f = 0; f < falls; f++) {
    const t0 = performance.now();
    const { eventId, reply } = await send(f, t0);
    replies.push(reply);
    if (!streams.arrivals.has(eventId)) streams.arrivals.set(eventId, []);
    const deadline = Date.now() + 10_000;
    while (streams.arrivals.get(eventId)!.length < streams.opened && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const got = streams.arrivals.get(eventId)!.map((x) => x - t0).sort((x, y) => x - y);
    if (got.length < streams.opened) throw new Error(`S6 ${label}: fall ${f} reached ${got.length} of ${streams.opened} streams`);
    p99s.push(got[Math.floor(got.length * 0.99)]!);
    console.log(`  S6 ${label} fall ${f + 1}: reply ${replies.at(-1)!.toFixed(0)} ms, on every stream: first ${got[0]!.toFixed(0)} ms, `
      + `p50 ${got[Math.floor(got.length / 2)]!.toFixed(0)} ms, p99 ${p99s.at(-1)!.toFixed(0)} ms, max ${got.at(-1)!.toFixed(0)} ms`);
    await new Promise((r) => setTimeout(r, 1500));
  }
  return { p99s, replies };
}

/**
 * S6: one camera bound to 1,000 accounts with 10 streams each. Each fall's
 * delay is measured from the camera's send to its arrival on every one of the
 * 10,000 streams (with the SMS burst to 1,000 phones sharing that time), and
 * the server's resident memory per open stream from /ping?stats=1. The
 * baseline (test/bench/fanout-baseline.ts) sends the same block to as many
 * streams from bare node:http on the same core, read the same way: what this
 * machine's loopback TCP costs at that moment. The two alternate, round by
 * round (the bench process holds 10,000 sockets at a time).
 */
async function s6(): Promise<void> {
  const ACCOUNTS = 1000;
  const PER_ACCOUNT = 10;
  const FALLS = 5;
  const { server, dataDir } = await ours({ PASSWORD_SCRYPT_LOG2N: '10', SMS_IP_HOURLY: '1000000', SMS_IP_DAILY: '1000000', ALERT_SMS_COOLDOWN_SECONDS: '0' });
  const bare = await startServer('test/bench/fanout-baseline.ts', {});
  const tokens: string[] = [];
  for (let i = 0; i < ACCOUNTS; i++) tokens.push(await account(server, dataDir, nextPhone()));
  const camera = (await call(`${server.url}/api/device?token=${tokens[0]}`, 'device', 'add', { device: 'bench-s6' })).data.device_id;
  for (const token of tokens) await call(`${server.url}/api/device?token=${token}`, 'device', 'bind', { device_id: camera });
  const photo = (await smallJpeg()).toString('base64');
  // warm the upload path and the stream route before measuring memory
  await call(`${server.url}/api/notice?token=${camera}`, 'notice', 'upload', { base64: photo });
  await new Promise((r) => setTimeout(r, 1000));
  const paths = tokens.flatMap((token) => Array.from({ length: PER_ACCOUNT }, () => `/api/notice/stream?token=${token}`));
  const upload = async (f: number, t0: number) => {
    const res = await call(`${server.url}/api/notice?token=${camera}`, 'notice', 'upload', { base64: photo, content: `s6 fall ${f}` });
    const reply = performance.now() - t0;
    if (res.status !== 0) throw new Error(`S6 upload: ${JSON.stringify(res)}`);
    const listed = await call(`${server.url}/api/get/notice?token=${tokens[0]}`, 'notice', 'get', { mode: 2, limit: 1 });
    return { eventId: listed.data.list[0].event_id as string, reply };
  };

  const ourP99s: number[] = [];
  const ourReplies: number[] = [];
  const bareP99s: number[] = [];
  let perStream = 0;
  let sample = '';
  for (let r = 0; r < ROUNDS; r++) {
    const before = await stats(server);
    const streams = await openStreams(server.url, paths);
    await new Promise((res) => setTimeout(res, 2000));
    if (r === 0) perStream = ((await stats(server)).rss - before.rss) / streams.opened / 1024;
    const got = await fanOut('server', streams, FALLS, upload);
    ourP99s.push(...got.p99s);
    ourReplies.push(...got.replies);
    sample = streams.sample!;
    streams.close();

    const floor = await openStreams(bare.url, paths.map(() => '/stream'));
    await new Promise((res) => setTimeout(res, 2000));
    bareP99s.push(...(await fanOut('bare node:http', floor, FALLS, async (_f, t0) => {
      const res = await fetch(`${bare.url}/fall`, { method: 'POST', body: sample });
      const reply = performance.now() - t0;
      return { eventId: ((await res.json()) as { event_id: string }).event_id, reply };
    })).p99s);
    floor.close();
    await new Promise((res) => setTimeout(res, 1000));
  }
  report(`S6 fan-out (1 camera, ${ACCOUNTS} accounts x ${PER_ACCOUNT} streams = ${paths.length} streams, ${FALLS} falls x ${ROUNDS} rounds): p99 from the camera's send to every stream `
    + `${spread(ourP99s)} ms (target < 250), upload reply ${spread(ourReplies)} ms; bare node:http sending the same block to as many streams: p99 ${spread(bareP99s)} ms `
    + `(x${(median(ourP99s) / median(bareP99s)).toFixed(2)}); RSS ${perStream.toFixed(1)} KiB per open stream (target < 32)`);
  await bare.stop();
  await server.stop();
}

/**
 * Two instances on one PostgreSQL (each with a data folder of its own) against one of them alone, in
 * the same run, alternating. Two loads with half the connections each: both on one instance, then one
 * on each. Nothing is pinned, so the instances, PostgreSQL and the load share the two cores; the load
 * is wrk when it is installed (test/bench/wrk.ts says why), else autocannon.
 */
async function pair() {
  const dirs = [scratchDir('helpaged-bench-'), scratchDir('helpaged-bench-')];
  const url = await databaseFor(cluster!.url('postgres'), dirs[0]!);
  const start = (dir: string) => startServer('src/main.ts', {
    DATA_DIR: dir, DATABASE_URL: url, LOG_LEVEL: 'warn', NOTICES_PER_DEVICE_PER_MINUTE: '100000000', BENCH_CPU: '0-1',
  });
  const a = await start(dirs[0]!);
  const b = await start(dirs[1]!);
  const token = await account(a, dirs[0]!, nextPhone());
  const device = (await call(`${a.url}/api/device?token=${token}`, 'device', 'add', { device: `pair-${phoneSeq}` })).data.device_id;
  await call(`${a.url}/api/device?token=${token}`, 'device', 'bind', { device_id: device });
  const loads = scratchDir('helpaged-bench-load-');
  // camera photos, drawn once per pair: as files for wrk, or as bodies for this process's autocannon
  let files: ReturnType<typeof cameraFiles> | null = null;
  let bodies: Promise<() => Buffer> | null = null;
  return {
    a, b, token, device,
    /** The two loads together, aimed at `targets`: `body` on each request, or camera photos. */
    async both(targets: [string, string], path: string, connections: number, duration: number, what: { body: string } | { photos: number }): Promise<[Load, Load]> {
      const run = async (): Promise<[Promise<Load>, Promise<Load>]> => {
        if (HAS_WRK) {
          const camera = 'photos' in what ? await (files ??= cameraFiles(what.photos, loads)) : undefined;
          const go = (target: string) => wrk({ url: target + path, connections, duration, dir: loads, body: 'body' in what ? what.body : undefined, camera });
          return [go(targets[0]), go(targets[1])];
        }
        // the other load process draws photos of its own
        const other = await loadInChild('photos' in what ? what.photos : 0);
        const opts = (target: string): autocannon.Options => ({
          url: target + path, method: 'POST', connections, duration, headers: { 'content-type': 'application/json' },
          ...('body' in what ? { body: what.body } : {}),
        });
        const mine = 'photos' in what ? await (bodies ??= cameraBodies(what.photos)) : null;
        const here = mine ? { ...opts(targets[0]), requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: mine() }) }] } : opts(targets[0]);
        return [load(here), other(opts(targets[1]))];
      };
      return Promise.all(await run());
    },
    /**
     * `ROUNDS` alternations of both loads on one instance and one on each; the ratio of the medians, and
     * the tail: each load's p50, p99 and max (with two instances, each load is one instance's), and the
     * ratio of the worse load's p99, two instances against one.
     */
    async compare(label: string, at: string, connections: number, what: { body: string } | { photos: number }, op: string) {
      const one: [Load, Load][] = [];
      const two: [Load, Load][] = [];
      const tail = (l: Load) => `p50 ${+l.p50.toFixed(1)}, p99 ${+l.p99.toFixed(1)}, max ${+l.max.toFixed(0)} ms`;
      const sum = (xs: [Load, Load]) => xs[0].rps + xs[1].rps;
      /** The loads, with what the instances and the kernel saw meanwhile (printed: the tail's causes told apart). */
      const observed = async (targets: [string, string]) => {
        const kernel = kernelCounters();
        const seen = await Promise.all([a, b].map((s) => serverSeen(s, op)));
        await Promise.all([a, b].map((s) => stats(s, true)));
        const { result: loads, busy, used: [usedA, usedB, pgUsed] } = await busyWhile(() => this.both(targets, at, connections, DURATION, what),
          [() => processCpu(a.proc.pid!), () => processCpu(b.proc.pid!), () => clusterCpu(cluster!)]);
        const used = [usedA!, usedB!];
        const loops = await Promise.all([a, b].map((s) => stats(s)));
        const after = await Promise.all([a, b].map((s) => serverSeen(s, op)));
        const slow = after.map((x, i) => `${x.over50 - seen[i]!.over50} of ${x.count - seen[i]!.count}`);
        // the machine's share: how busy both cores were, and what each instance spent per request it answered
        const served = [a, b].map((s) => loads.reduce((n, l, i) => n + (targets[i] === s.url ? l.total : 0), 0));
        const perRequest = used.map((c, i) => (served[i] ? `${((c / served[i]!) * 1e6).toFixed(0)} µs` : '-'));
        const note = `instances' own view: over 50 ms A ${slow[0]}, B ${slow[1]}; event-loop delay max A ${loops[0]!.event_loop_delay_ms.max} ms, `
          + `B ${loops[1]!.event_loop_delay_ms.max} ms; kernel: ${kernelDelta(kernel, kernelCounters())}; cores ${(busy * 100).toFixed(0)}% busy, `
          + `instances' CPU A ${used[0]!.toFixed(1)} s, B ${used[1]!.toFixed(1)} s (per request answered A ${perRequest[0]}, B ${perRequest[1]}), `
          + `PostgreSQL's ${pgUsed!.toFixed(1)} s (${((pgUsed! / (served[0]! + served[1]!)) * 1e6).toFixed(0)} µs per request)`;
        return { loads, note, busy: busy * 100 };
      };
      const oneBusy: number[] = [];
      const twoBusy: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const o = await observed([a.url, a.url]);
        const t = await observed([a.url, b.url]);
        one.push(o.loads);
        two.push(t.loads);
        oneBusy.push(o.busy);
        twoBusy.push(t.busy);
        console.log(`  ${label} round ${r + 1}: one instance ${sum(o.loads).toFixed(1)}/s (${tail(o.loads[0])}; ${tail(o.loads[1])}; ${o.note})`);
        console.log(`  ${label} round ${r + 1}: two instances ${sum(t.loads).toFixed(1)}/s (A ${tail(t.loads[0])}; B ${tail(t.loads[1])}; ${t.note})`);
      }
      const each = (xs: [Load, Load][], i: 0 | 1) => {
        const ls = xs.map((x) => x[i]);
        return `p50 ${spread(ls.map((l) => l.p50), 1)}, p99 ${spread(ls.map((l) => l.p99), 1)}, max ${spread(ls.map((l) => l.max), 0)} ms`;
      };
      return {
        one: one.map(sum), two: two.map(sum), ratio: median(two.map(sum)) / median(one.map(sum)),
        tailRatio: median(worst(two)) / median(worst(one)),
        tails: `one instance: ${each(one, 0)} | two: A ${each(two, 0)}; B ${each(two, 1)}; cores busy one ${spread(oneBusy, 0)}%, two ${spread(twoBusy, 0)}%`,
        errors: [...one, ...two].flat().reduce((n, x) => n + x.errors, 0),
        /** How busy the cores were with one instance (median, 0-1). */
        oneBusy: median(oneBusy) / 100,
      };
    },
    async stop() {
      await a.stop();
      await b.stop();
      for (const d of [...dirs, loads]) dropScratch(d);
    },
  };
}

/** Each round's worse p99 of its two loads. */
const worst = (xs: [Load, Load][]) => xs.map((x) => Math.max(x[0].p99, x[1].p99));

/** Camera envelopes as files for wrk. */
function cameraFiles(count: number, dir: string): Promise<NonNullable<WrkOptions['camera']>> {
  return cameraTemplates(count).then(({ templates, at, commentLetters }) => ({
    files: templates.map((t, i) => {
      const file = path.join(dir, `camera-${i}.json`);
      fs.writeFileSync(file, t);
      return file;
    }),
    at, commentLetters,
  }));
}

const LOAD_NAME = HAS_WRK ? 'wrk' : 'autocannon (wrk not installed: apt-get install wrk; autocannon takes more of the cores)';

async function i1(): Promise<void> {
  const p = await pair();
  for (let i = 0; i < 20; i++) await call(`${p.a.url}/api/notice?token=${p.device}`, 'notice', 'upload', { base64: (await smallJpeg()).toString('base64'), content: `fall ${i}` });
  const what = { body: JSON.stringify({ id: 1, type: 'notice', subtype: 'get', data: { mode: 2 } }) };
  const at = `/api/get/notice?token=${p.token}`;
  await p.both([p.a.url, p.b.url], at, 25, 2, what);
  const { one, two, ratio, tailRatio, tails, errors, oneBusy } = await p.compare('I1', at, 25, what, 'notice.get');
  report(`I1 notice.get (20 notices, 2 x 25 connections, load ${LOAD_NAME}): two instances ${spread(two)} req/s vs one ${spread(one)} req/s `
    + `= ${ratio.toFixed(2)} (target >= 1.6; at the CPU per request of one instance's runs the cores allow ${(1 / oneBusy).toFixed(2)}); `
    + `worse load's p99, two instances vs one = ${tailRatio.toFixed(2)} (target <= 2); ${tails}; errors ${errors}`);
  // the same with a light load: 2 x 4 connections
  const light = await p.compare('I1 light', at, 4, what, 'notice.get');
  report(`I1 light notice.get (2 x 4 connections): two instances ${spread(light.two)} req/s vs one ${spread(light.one)} req/s = ${light.ratio.toFixed(2)}; `
    + `worse load's p99 two vs one = ${light.tailRatio.toFixed(2)} (target: two instances' p99 < 50 ms); ${light.tails}; errors ${light.errors}`);
  // the machine's share of the tail: two bare servers (baseline.ts, the same reply) sharing the cores the same way
  const sample = await (await fetch(`${p.a.url}${at}`, { method: 'POST', body: what.body })).text();
  const bare = await Promise.all([0, 1].map(() => baseline(sample, { BENCH_CPU: '0-1' })));
  const bareOne: [Load, Load][] = [];
  const bareTwo: [Load, Load][] = [];
  const bareBusy: [number[], number[]] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    const notes: string[] = [];
    for (const [i, targets] of [[bare[0]!, bare[0]!], [bare[0]!, bare[1]!]].entries()) {
      const { result, busy, used } = await busyWhile(() => p.both([targets[0]!.server.url, targets[1]!.server.url], '/api/get/notice', 25, DURATION, what),
        bare.map((x) => () => processCpu(x.server.proc.pid!)));
      (i === 0 ? bareOne : bareTwo).push(result);
      bareBusy[i]!.push(busy * 100);
      const requests = result[0].total + result[1].total;
      notes.push(`${fmt(result[0])}; ${fmt(result[1])} (cores ${(busy * 100).toFixed(0)}% busy, servers' CPU ${(used[0]! + used[1]!).toFixed(1)} s, `
        + `${(((used[0]! + used[1]!) / requests) * 1e6).toFixed(0)} µs per request)`);
    }
    console.log(`  I1 bare round ${r + 1}: one ${notes[0]} | two ${notes[1]}`);
  }
  const maxes = (xs: [Load, Load][]) => xs.map((x) => Math.max(x[0].max, x[1].max));
  report(`I1 baseline, bare servers (express answering the same text) sharing the cores the same way: worse load's p99 one server ${spread(worst(bareOne), 1)} ms, `
    + `two ${spread(worst(bareTwo), 1)} ms, max one ${spread(maxes(bareOne), 0)} ms, two ${spread(maxes(bareTwo), 0)} ms; `
    + `${spread(bareOne.map((x) => x[0].rps + x[1].rps))} vs ${spread(bareTwo.map((x) => x[0].rps + x[1].rps))} req/s `
    + `= ${(median(bareTwo.map((x) => x[0].rps + x[1].rps)) / median(bareOne.map((x) => x[0].rps + x[1].rps))).toFixed(2)}; cores busy ${spread(bareBusy[0], 0)}% vs ${spread(bareBusy[1], 0)}%`);
  for (const x of bare) await x.server.stop();
  await p.stop();
}

async function i2(): Promise<void> {
  const p = await pair();
  const { one, two, ratio, tailRatio, tails, errors, oneBusy } = await p.compare('I2', `/api/notice?token=${p.device}`, 4, { photos: 12 }, 'notice.upload');
  report(`I2 camera ingest (500-900 KB JPEGs, 2 x 4 connections, load ${LOAD_NAME}): two instances ${spread(two, 1)} notices/s vs one ${spread(one, 1)} `
    + `= ${ratio.toFixed(2)} (target >= 1.3; at the CPU per upload of one instance's runs the cores allow ${(1 / oneBusy).toFixed(2)}); `
    + `worse load's p99, two vs one = ${tailRatio.toFixed(2)}; ${tails}; errors ${errors}`);
  await p.stop();
}

/**
 * In the page: resolves when a new alarm dialog has been painted (two frames after it is in the DOM),
 * and when its photo has loaded. Plain text, not a function: tsx's helpers would not exist in the page.
 */
const WAIT_FOR_ALARM = `new Promise((resolve) => {
  const check = () => {
    const dialog = document.querySelector('[role=alertdialog]');
    if (!dialog || dialog.dataset.measured) return;
    dialog.dataset.measured = '1';
    observer.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const painted = Date.now();
      const img = dialog.querySelector('img');
      const done = () => resolve({ painted, photo: Date.now() });
      if (img.complete && img.naturalWidth > 0) done();
      else img.addEventListener('load', done, { once: true });
    }));
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { childList: true, subtree: true });
  check();
})`;

/**
 * S7: a camera's upload to the fall's alarm view painted in a real browser (Debian's Chromium, on the
 * load's core), over 20 falls, against paint-baseline.ts: bare node:http telling a bare page over an
 * EventSource, which puts the same photo in a dialog. Alternating, a share of the falls per round.
 */
async function s7(): Promise<void> {
  const { browserMissing, launchBrowser } = await import('../support/browser.js');
  const missing = browserMissing();
  if (missing) return report(`S7 skipped: ${missing}`);
  const { server, dataDir } = await ours();
  const base = await startServer('test/bench/paint-baseline.ts', {});
  const browser = await launchBrowser();
  try {
    const phone = nextPhone();
    const token = await account(server, dataDir, phone);
    const device = (await call(`${server.url}/api/device?token=${token}`, 'device', 'add', { device: 'bench-cam' })).data.device_id;
    await call(`${server.url}/api/device?token=${token}`, 'device', 'bind', { device_id: device });
    const photo = await sharp(crypto.randomBytes(640 * 480 * 3), { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 75 }).toBuffer();
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await page.goto(`${server.url}/app/`);
    await page.locator('#phone').fill(phone);
    await page.locator('#password').fill('bench-pass-1');
    await page.locator('button[type=submit]').click();
    await page.locator('.pill.live').waitFor();
    const bare = await (await browser.newContext()).newPage();
    await bare.goto(`${base.url}/`);
    await bare.waitForFunction(() => document.title === 'open');
    const body = JSON.stringify({ id: 1, type: 'notice', subtype: 'upload', data: { base64: photo.toString('base64') } });
    const oursFall = async () => {
      const seen = page.evaluate(WAIT_FOR_ALARM) as Promise<{ painted: number; photo: number }>;
      const t0 = Date.now();
      const reply = await (await fetch(`${server.url}/api/notice?token=${device}`, { method: 'POST', body })).json() as { status: number };
      if (reply.status !== 0) throw new Error(`S7 upload: ${JSON.stringify(reply)}`);
      const { painted, photo: shown } = await seen;
      const latest = (await call(`${server.url}/api/get/notice?token=${token}`, 'notice', 'get', { mode: 0, limit: 1 })).data.list[0];
      await call(`${server.url}/api/get/notice?token=${token}`, 'notice', 'sign', { event_id: latest.event_id });
      await page.locator('[role=alertdialog]').waitFor({ state: 'detached' });
      return [painted - t0, shown - t0] as const;
    };
    const bareFall = async () => {
      const seen = bare.evaluate(WAIT_FOR_ALARM) as Promise<{ painted: number; photo: number }>;
      const t0 = Date.now();
      await (await fetch(`${base.url}/fall`, { method: 'POST', body: new Uint8Array(photo) })).text();
      const { painted, photo: shown } = await seen;
      return [painted - t0, shown - t0] as const;
    };
    await oursFall();
    await bareFall();
    const a: (readonly [number, number])[] = [];
    const b: (readonly [number, number])[] = [];
    const perRound = Math.ceil(20 / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < perRound && a.length < 20; i++) a.push(await oursFall());
      for (let i = 0; i < perRound && b.length < 20; i++) b.push(await bareFall());
      console.log(`  S7 round ${r + 1}: ours painted p50 ${median(a.map((x) => x[0]))} ms | baseline ${median(b.map((x) => x[0]))} ms`);
    }
    const p = (xs: number[], q: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
    const painted = a.map((x) => x[0]);
    const basePainted = b.map((x) => x[0]);
    report(`S7 upload to alarm painted in Chromium (${a.length} falls): p50 ${p(painted, 0.5)} ms, p99 ${p(painted, 0.99)} ms (target < 500), photo shown p99 ${p(a.map((x) => x[1]), 0.99)} ms; `
      + `baseline (bare node:http and page) p50 ${p(basePainted, 0.5)} ms, p99 ${p(basePainted, 0.99)} ms; p50 ratio ${(p(painted, 0.5) / Math.max(1, p(basePainted, 0.5))).toFixed(2)}`);
  } finally {
    await browser.close();
    await server.stop();
    await base.stop();
  }
}

console.log(`HelpAged bench on ${args.engine}${INSTANCES > 1 ? `, ${INSTANCES} instances` : ''}: ${ROUNDS} rounds of ${DURATION} s; `
  + `${FLOAT ? 'nothing pinned' : HAS_TASKSET ? `servers on core 0, load on core 1${cluster ? ', PostgreSQL on any' : ''}` : 'no taskset: not pinned'}; node ${process.version}, ${os.cpus().length} cores`);
const scenarios: [string, () => Promise<void>][] = [['S1', s1], ['S2', s2], ['S2R', s2r], ['S3', s3], ['S4', s4], ['S5', s5], ['S6', s6], ['S7', s7], ['S8', s8], ['S9', () => s9(engineEnv, report)],
  ['S10', () => s10({ ours, nextPhone, report, rounds: ROUNDS, duration: DURATION })], ['I1', i1], ['I2', i2]];
for (const [name, run] of scenarios) {
  if (!ONLY.has(name)) continue;
  // Each scenario starts on a quiet disk: S2 leaves gigabytes of photos to write back and delete.
  spawnSync('sync');
  try {
    await run();
  } catch (err) {
    report(`${name} FAILED: ${(err as Error).stack}`);
    process.exitCode = 1;
  }
}
console.log(`\nSummary (${args.engine})\n` + results.join('\n'));
await cluster?.remove();

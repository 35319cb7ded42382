import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '../support/net.js';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { OpenLoopOptions, OpenLoopResult } from './open-loop.js';
import { md5Hex } from '../../src/services/shared/random.js';
import { START_ENV, START_FLAGS } from '../support/start.js';

export const HAS_TASKSET = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Runs this script again pinned to core 1 (the load generator's), leaving core 0 to the servers; not with `float`. */
export function pinSelf(float = false): boolean {
  if (float || !HAS_TASKSET || process.env.BENCH_PINNED) return false;
  const child = spawnSync('taskset', ['-c', '1', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' },
  });
  process.exit(child.status ?? 1);
}

const scratch = new Set<string>();
process.on('exit', () => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh folder under the system temp dir, removed when the benchmark
 * exits however it exits: S2 alone writes gigabytes of photos.
 */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratch.add(dir);
  return dir;
}

/** Removes a scratch folder now (a finished scenario's data). */
export function dropScratch(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  scratch.delete(dir);
}

export { freePort };

export interface Server {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts a TypeScript entry point as its own process on core 0 (BENCH_CPU in env: other cores, `0-1`
 * both) and waits until /ping answers. NODE_ARGS in env (or SERVER_NODE_ARGS in the bench's own
 * environment, for every server it starts) adds node flags, e.g. --cpu-prof.
 */
export async function startServer(script: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const nodeArgs = env.NODE_ARGS ?? process.env.SERVER_NODE_ARGS;
  const args = [...START_FLAGS, ...(nodeArgs ? nodeArgs.split(' ') : []), '--import', 'tsx', path.resolve(script)];
  const [cmd, argv] = HAS_TASKSET ? ['taskset', ['-c', env.BENCH_CPU ?? '0', process.execPath, ...args]] : [process.execPath, args];
  const proc = spawn(cmd, argv as string[], { env: { ...process.env, ...START_ENV, PORT: String(port), HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (c) => (stderr = (stderr + c).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`${script} exited: ${stderr}`);
    const up = await fetch(`${url}/ping`).then((r) => r.ok, () => false);
    if (up) {
      return {
        url,
        proc,
        stop: () => new Promise<void>((resolve) => {
          if (proc.exitCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.kill('SIGTERM');
          setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
        }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${script} did not answer /ping: ${stderr}`);
}

export async function call(url: string, type: string, subtype: string, data: unknown): Promise<{ status: number; data: any }> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ id: 1, type, subtype, data }) });
  return res.json() as Promise<{ status: number; data: any }>;
}

/** A fresh account through the real SMS flow (codes read from the outbox), with an enduring token. */
export async function account(server: Server, dataDir: string, phone: string): Promise<string> {
  const gen = await call(`${server.url}/api/captcha`, 'sms', 'generate', { phone });
  const sent = JSON.parse(fs.readFileSync(path.join(dataDir, 'sms-outbox.jsonl'), 'utf8').trim().split('\n').at(-1)!);
  const reg = await call(`${server.url}/api/user/register`, 'register', 'phone', { phone, hash: md5Hex(sent.code + gen.data.rand), pass: 'bench-pass-1' });
  if (reg.status !== 0) throw new Error(`register: ${JSON.stringify(reg)}`);
  const login = await call(`${server.url}/api/user/login`, 'login', 'pass', { phone, pass: 'bench-pass-1', enduring: 1 });
  return login.data.token as string;
}

export async function stats(server: Server, reset = false): Promise<{ rss: number; event_loop_delay_ms: { p50: number; p99: number; max: number } }> {
  const res = await fetch(`${server.url}/ping?stats=1${reset ? '&reset=1' : ''}`);
  return ((await res.json()) as { data: any }).data;
}

/** The kernel's TCP counters that tell an overflowing accept queue and lost segments (nstat, absolute). */
const KERNEL_COUNTERS = ['TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpRetransSegs', 'TcpExtTCPSynRetrans', 'TcpExtTCPTimeouts'] as const;
const HAS_NSTAT = !spawnSync('nstat', ['-V']).error;

export function kernelCounters(): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(KERNEL_COUNTERS.map((k) => [k, 0]));
  if (!HAS_NSTAT) return out;
  const text = spawnSync('nstat', ['-asz', ...KERNEL_COUNTERS], { encoding: 'utf8' }).stdout ?? '';
  for (const line of text.split('\n')) {
    const [name, value] = line.trim().split(/\s+/);
    if (name && name in out) out[name] = Number(value);
  }
  return out;
}

/** `after` less `before`, the counters that moved, as "Name +n" (or "none"). */
export function kernelDelta(before: Record<string, number>, after: Record<string, number>): string {
  const moved = Object.keys(after).filter((k) => after[k]! !== before[k]).map((k) => `${k.replace(/^Tcp(Ext)?/, '')} +${after[k]! - before[k]!}`);
  return moved.length ? moved.join(', ') : 'none';
}

/** The machine's CPU so far (/proc/stat, all cores): jiffies busy and in all; differences of two readings are a run's. */
function machineCpu(): { busy: number; total: number } {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = fields.map(Number);
  const total = n.slice(0, 8).reduce((a, x) => a + x, 0);
  return { busy: total - n[3]! - n[4]!, total };
}

/**
 * `f`'s result, how busy the machine's cores were meanwhile (0-1), and what each of `cpus` (readers of
 * CPU seconds so far, e.g. processCpu of a server) used meanwhile.
 */
export async function busyWhile<T>(f: () => Promise<T>, cpus: (() => number)[] = []): Promise<{ result: T; busy: number; used: number[] }> {
  const before = machineCpu();
  const spent = cpus.map((cpu) => cpu());
  const result = await f();
  const after = machineCpu();
  return { result, busy: (after.busy - before.busy) / (after.total - before.total), used: cpus.map((cpu, i) => cpu() - spent[i]!) };
}

/** CPU seconds a process has used so far, all its threads (/proc/<pid>/stat: utime + stime). */
export function processCpu(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * How the server itself saw `op`'s requests (helpaged_request_duration_seconds on /metrics): how many,
 * and how many took over 50 ms from the request to the reply. Differences of two readings are a run's.
 */
export async function serverSeen(server: Server, op: string): Promise<{ count: number; over50: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  let count = 0;
  let under = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('helpaged_request_duration_seconds') || !line.includes(`op="${op}"`)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('helpaged_request_duration_seconds_count')) count += value;
    else if (line.includes('le="0.05"')) under += value;
  }
  return { count, over50: count - under };
}

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Connection errors and timeouts, HTTP statuses other than 2xx, and replies whose envelope status is not 0. */
  errors: number;
  total: number;
}

/**
 * One autocannon run. Every reply's envelope is checked: a server that
 * answers fast with `"status":-500` (a full disk, say) must not pass for a
 * fast server.
 */
export async function load(opts: autocannon.Options): Promise<Load> {
  let failed = 0;
  const onResponse = (_status: number, body: string) => {
    if (!body.includes('"status":0,')) failed++;
  };
  const requests = (opts.requests ?? [{}]).map((r) => ({ ...r, onResponse }));
  const r = await autocannon({ ...opts, requests });
  return {
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max,
    errors: r.errors + r.timeouts + r.non2xx + failed, total: r.requests.total,
  };
}

/** A load process (load-child.ts) on the bench's core, ready: `run` sends it its one load and resolves with the result. */
async function child(cameraPhotos: number): Promise<(message: object) => Promise<unknown>> {
  const proc = fork(path.resolve('test/bench/load-child.ts'), [String(cameraPhotos)], { execArgv: ['--import', 'tsx'] });
  const exited = new Promise<never>((_, reject) => proc.once('exit', (code) => reject(new Error(`load process exited with ${code}`))));
  await Promise.race([new Promise((resolve) => proc.once('message', resolve)), exited]);
  return (message) => {
    proc.send(message);
    return Promise.race([new Promise((resolve) => proc.once('message', resolve)), exited]);
  };
}

/**
 * Starts a process (on the bench's core) that will run one autocannon load when told to;
 * resolves once it is ready, so that the load can start together with another. With `cameraPhotos`
 * its requests are camera uploads of that many photos of its own.
 */
export async function loadInChild(cameraPhotos = 0): Promise<(opts: autocannon.Options) => Promise<Load>> {
  const run = await child(cameraPhotos);
  return (opts) => run(opts) as Promise<Load>;
}

/** The same for an open-loop load (open-loop.ts): requests timed from when they were due. */
export async function openLoopInChild(): Promise<(o: OpenLoopOptions) => Promise<OpenLoopResult>> {
  const run = await child(0);
  return (open) => run({ open }) as Promise<OpenLoopResult>;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** "median (min-max)" */
export const spread = (xs: number[], digits = 0) =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})`;

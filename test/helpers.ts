import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../src/clock.js';
import { loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { md5Hex } from '../src/services/shared/random.js';
import { startServer, type Running, type StartOptions } from '../src/server.js';
import * as assert from 'uvu/assert';
import { statusCatalogue } from '../src/endpoints/catalogue.js';
import { databaseFor } from './support/postgres.js';
import { sqlOf, type Sql } from './support/sql.js';

export interface Envelope<D = any> {
  id: number;
  status: number;
  message: string;
  data: D;
}

export interface CallOptions {
  token?: string;
  id?: unknown;
  /** The URL, where a `type.subtype` is answered on more than one (audit.list: /user/session, /admin/user). */
  path?: string;
}

/** What `fails` and `passes` read: an envelope reply, or what a test's own client keeps of one. */
type Reply = { status: number; message?: string; data: unknown };

const CATALOGUE = statusCatalogue();
/** Where each `type.subtype` is answered. */
const ROUTES = new Map<string, string[]>();
for (const [path, { calls }] of Object.entries(CATALOGUE.paths)) for (const key of calls) ROUTES.set(key, [...(ROUTES.get(key) ?? []), path]);
/** The URL each reply of `call`/`callAt` came from, so that a status key is read in that URL's table. */
const answeredAt = new WeakMap<object, string>();

/** The URL of a `type.subtype` (the endpoint table's), or `path` where it is one of several. */
export function pathOf(key: string, path?: string): string {
  const paths = ROUTES.get(key);
  if (!paths) throw new Error(`no endpoint answers ${key}`);
  if (path !== undefined && !paths.includes(path)) throw new Error(`${key} is not answered on ${path} (${paths.join(', ')})`);
  if (path === undefined && paths.length > 1) throw new Error(`${key} is answered on ${paths.join(' and ')}: say which with { path }`);
  return path ?? paths[0]!;
}

/** The number of a status key in the table of the URL that answered (its local one, then the global one). */
export function statusOf(reply: object, key: string): number {
  const path = answeredAt.get(reply);
  const code = (path === undefined ? undefined : CATALOGUE.paths[path]!.local[key]) ?? CATALOGUE.global[key];
  if (code === undefined) throw new Error(`${key} is in neither ${path ?? 'a local'} table nor the global one`);
  return code;
}

/** Notes the URL a reply came from (for clients other than TestServer's, such as test/support/child.ts). */
export function answered<R>(reply: R, urlPath: string): R {
  if (reply && typeof reply === 'object') answeredAt.set(reply, urlPath.split('?')[0]!);
  return reply;
}

/** The reply refused the call with the status `key` (of the answering URL's table or the global one). */
export function fails(reply: Reply, key: string, message?: string): void {
  assert.is(reply.status, statusOf(reply, key), message ?? `${key} expected: ${JSON.stringify({ status: reply.status, message: reply.message })}`);
}

/** The reply is a success (status 0, OK). */
export function passes(reply: Reply, message?: string): void {
  assert.is(reply.status, 0, message ?? `success expected: ${JSON.stringify({ status: reply.status, message: reply.message })}`);
}

/** The number itself, where a test pins the legacy wire on purpose (what HelpAged-Python's clients read). */
export function legacyStatus(reply: Reply, code: number, message?: string): void {
  assert.is(reply.status, code, message);
}

/** A line of the outbox gateway's file: a code, a fall's SMS or call (call_id for a call), a reply's confirmation, a liveness or pause SMS. */
export type OutboxLine = {
  kind: string; phone: string; code: string; command_type: number; time: string; device?: string; event_id?: string; createtime?: string;
  last_seen?: string | null; invite?: boolean; call_id?: string; open?: number; by?: string | null; until?: string; reason?: string | null; how?: string;
  count?: number; lines?: string[];
};

export interface TestServer extends Running {
  config: Config;
  clock: ManualClock;
  dataDir: string;
  /** Calls `type.subtype` as a client does: POST {id, type, subtype, data} to its URL (the endpoint table's), the token in the query. */
  call<D = any>(key: string, data?: unknown, opts?: CallOptions): Promise<Envelope<D>>;
  /** The wire itself: POST {id, type, subtype, data} to any path (unknown pairs, the wrong URL, legacy replies). */
  callAt<D = any>(urlPath: string, type: string, subtype: string, data: unknown, opts?: CallOptions): Promise<Envelope<D>>;
  /** `fails(reply, key)`, `passes(reply)`: the same as the functions of this module. */
  fails: typeof fails;
  passes: typeof passes;
  /** POST a raw body; returns HTTP status, headers and the parsed JSON reply. */
  raw(urlPath: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ http: number; headers: Headers; json: Envelope }>;
  get<D = any>(urlPath: string): Promise<Envelope<D>>;
  /** The outbox's messages, oldest first. */
  outbox(): OutboxLine[];
  /** The last code sent to phone, as a client computes the hash: md5(code + rand). */
  requestCode(phone: string, commandType?: number): Promise<string>;
  signUp(phone: string, pass?: string): Promise<string>;
  login(phone: string, pass?: string, enduring?: unknown): Promise<string>;
  makeAdmin(phone: string): Promise<void>;
  /** Adds a device (by the account of `token`) and binds it; returns its device id. */
  addDevice(token: string, name?: string): Promise<string>;
  bind(token: string, deviceId: string): Promise<void>;
  /** POSTs a notice as a camera does; returns the reply. */
  upload(deviceId: string, image: Buffer | string, content?: string): Promise<Envelope>;
  /** Raw SQL on the server's database (whichever engine), to check what was stored. */
  sql: Sql;
  /** Stops the server; the data directory is removed unless `keepData`. */
  close(keepData?: boolean): Promise<void>;
}

/** Test settings: cheap scrypt, quiet logs, generous per-address SMS limits. */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PASSWORD_SCRYPT_LOG2N: '10',
    SMS_IP_HOURLY: '100000', SMS_IP_DAILY: '100000', ...env,
  });
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'helpaged-test-'));
}

/** Which engine this pass of the suites runs on (test/run.ts). */
export const ENGINE: 'sqlite' | 'postgres' = process.env.HELPAGED_TEST_PG ? 'postgres' : 'sqlite';

/**
 * What a server or command on `dataDir` needs in its environment to use this pass's engine: nothing on
 * SQLite; on PostgreSQL a DATABASE_URL of the database that stands for that folder (the same folder, the
 * same database, as with SQLite's file in it).
 */
export async function engineEnv(dataDir: string): Promise<Record<string, string>> {
  const admin = process.env.HELPAGED_TEST_PG;
  return admin ? { DATABASE_URL: await databaseFor(admin, dataDir) } : {};
}

export async function startTestServer(
  env: Record<string, string> = {},
  options: StartOptions & { dataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const config = testConfig(dataDir, { ...('DATABASE_URL' in env ? {} : await engineEnv(dataDir)), ...env });
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(Date.now());
  const running = await startServer(config, { clock, log: createLogger('silent'), ...options });
  const url = running.url;

  const post = async (urlPath: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const res = await fetch(url + urlPath, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/json', ...headers } });
    const text = await res.text();
    return { http: res.status, headers: res.headers, json: JSON.parse(text) as Envelope };
  };

  const t: TestServer = {
    ...running,
    config,
    clock,
    dataDir,
    call(key, data = {}, opts = {}) {
      const dot = key.indexOf('.');
      return t.callAt(pathOf(key, opts.path), key.slice(0, dot), key.slice(dot + 1), data, opts);
    },
    async callAt(urlPath, type, subtype, data, opts = {}) {
      const q = opts.token === undefined ? '' : `${urlPath.includes('?') ? '&' : '?'}token=${encodeURIComponent(opts.token)}`;
      const { json } = await post(urlPath + q, JSON.stringify({ id: opts.id ?? 1, type, subtype, data }));
      return answered(json, urlPath);
    },
    fails,
    passes,
    raw: post,
    async get(urlPath) {
      const res = await fetch(url + urlPath);
      return (await res.json()) as Envelope;
    },
    outbox() {
      const file = path.join(dataDir, 'sms-outbox.jsonl');
      if (!fs.existsSync(file)) return [];
      return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    },
    async requestCode(phone, commandType = 1) {
      const res = await t.call('sms.generate', { phone, command_type: commandType });
      if (res.status !== 0) throw new Error(`sms.generate: ${JSON.stringify(res)}`);
      const sent = t.outbox().filter((m) => m.phone === phone && m.kind === 'code').at(-1)!;
      clock.advance(t.config.sms.phoneIntervalSeconds);
      return md5Hex(sent.code + res.data.rand);
    },
    async signUp(phone, pass = 'secret123') {
      const hash = await t.requestCode(phone, 1);
      const res = await t.call('register.phone', { phone, hash, pass });
      if (res.status !== 0) throw new Error(`register: ${JSON.stringify(res)}`);
      return t.login(phone, pass);
    },
    async login(phone, pass = 'secret123', enduring) {
      const res = await t.call('login.pass', { phone, pass, ...(enduring === undefined ? {} : { enduring }) });
      if (res.status !== 0) throw new Error(`login: ${JSON.stringify(res)}`);
      return res.data.token as string;
    },
    async addDevice(token, name = `camera-${Math.random().toString(36).slice(2, 10)}`) {
      const res = await t.call('device.add', { device: name }, { token });
      if (res.status !== 0) throw new Error(`device.add: ${JSON.stringify(res)}`);
      await t.bind(token, res.data.device_id);
      return res.data.device_id;
    },
    async bind(token, deviceId) {
      const res = await t.call('device.bind', { device_id: deviceId }, { token });
      if (res.status !== 0) throw new Error(`device.bind: ${JSON.stringify(res)}`);
    },
    upload(deviceId, image, content) {
      const base64 = typeof image === 'string' ? image : image.toString('base64');
      return t.call('notice.upload', { base64, ...(content === undefined ? {} : { content }) }, { token: deviceId });
    },
    async makeAdmin(phone) {
      const { users, db } = running.services;
      const user = (await users.byPhone(db.read, phone))!;
      await db.transaction((tx) => users.setRole(tx, user.id, 'admin', clock.now()));
    },
    sql: sqlOf(running.db),
    async close(keepData = false) {
      await running.close();
      if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** A real JPEG of roughly `kb` kilobytes (noise compresses badly), different on every call. */
export async function jpeg(kb = 50, width = 640, height = 480): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const quality = 90;
  const pixels = Buffer.alloc(width * height * 3);
  crypto.randomFillSync(pixels);
  let img = await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
  while (img.length < kb * 1024) {
    width = Math.round(width * 1.3);
    height = Math.round(height * 1.3);
    const more = Buffer.alloc(width * height * 3);
    crypto.randomFillSync(more);
    img = await sharp(more, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
  }
  return img;
}

/** Waits until `pred` holds, checking every 10 ms; fails naming `what` after `ms`. */
export async function until(pred: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let phoneCounter = 0;
/** A fresh, valid mainland mobile number for each call. */
export function newPhone(): string {
  phoneCounter++;
  return `139${String(process.pid % 10000).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

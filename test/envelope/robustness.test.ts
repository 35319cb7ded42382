import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ENDPOINTS } from '../../src/endpoints/index.js';
import { GLOBAL } from '../../src/status.js';
import { newPhone, passes, startTestServer, type TestServer } from '../helpers.js';

/** A small seeded PRNG, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const rand = prng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (n: number) => Math.floor(rand() * n);

const STRINGS = ['', ' ', '0', '-1', '13800000000', 'null', 'true', '{}', '[]', '\u0000', '💥🧓', '中文字符', '\ud800', '<script>', "' or 1=1 --",
  '%00', '../../etc/passwd', 'a'.repeat(5000), '9'.repeat(400), '\\"', 'ѕесгеt', '\u202e', 'NaN'];

function junk(depth = 0): unknown {
  switch (int(depth > 3 ? 6 : 9)) {
    case 0: return pick(STRINGS);
    case 1: return pick([0, -1, 1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, 42]);
    case 2: return pick([true, false, null]);
    case 3: return 'x'.repeat(int(3000));
    case 4: return String.fromCodePoint(...Array.from({ length: 20 }, () => int(0x10ffff)).filter((c) => c < 0xd800 || c > 0xdfff));
    case 5: return int(2) ? undefined : {};
    case 6: return Array.from({ length: int(5) }, () => junk(depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < int(6); i++) o[pick(['phone', 'pass', 'hash', 'user_id', 'name', 'email', 'level', 'enduring', '__proto__', 'constructor', pick(STRINGS)])] = junk(depth + 1);
      return o;
    }
  }
}

function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function body(): string | Buffer {
  const ep = pick(ENDPOINTS);
  const known = ep.handlers.length ? pick(ep.handlers) : null;
  switch (int(10)) {
    case 0: return pick(['{', '}', '{"id":', 'undefined', '{"a":1,}', "{'id':1}", '\u0000\u0001', '[[[[', '"', 'NaN', '1e999999']);
    case 1: return Buffer.from(Array.from({ length: int(200) }, () => int(256)));
    case 2: return nested(1000 + int(20000));
    case 3: return JSON.stringify(junk());
    case 4: return '[' + '['.repeat(int(50000)) + ']'.repeat(int(50000)) + ']';
    default: {
      const env: Record<string, unknown> = {
        id: int(3) ? junk() : int(1e6),
        type: int(4) ? known?.type ?? 'x' : junk(),
        subtype: int(4) ? known?.subtype ?? 'y' : junk(),
        data: int(5) ? junk() : { phone: newPhone(), pass: junk(), hash: junk(), user_id: junk() },
      };
      if (int(6) === 0) delete env[pick(['type', 'subtype', 'data', 'id'])];
      return JSON.stringify(env);
    }
  }
}

const allowed = (path: string) => {
  const ep = ENDPOINTS.find((e) => path.endsWith(e.path));
  return new Set([...Object.values(GLOBAL).map(([n]) => n), ...Object.values(ep?.local ?? {}).map(([n]) => n)]);
};

const fuzz = suite('robustness');
let t: TestServer;
let token: string;
fuzz.before(async () => {
  t = await startTestServer();
  const phone = newPhone();
  token = await t.signUp(phone);
  await t.makeAdmin(phone);
});
fuzz.after(() => t.close());

fuzz(`1,500 malformed or random envelopes (seed ${SEED}) all get an envelope with a status from the tables`, async () => {
  const paths = ENDPOINTS.flatMap((e) => [e.path, `/api${e.path}`]);
  const failures: string[] = [];
  const one = async () => {
    const path = pick(paths);
    const q = pick(['', `?token=${token}`, '?token=', '?token=zzz', `?token=${token}&token=x`, '?token=%ZZ']);
    const payload = body();
    const method = int(12) === 0 ? 'GET' : 'POST';
    const res = await fetch(t.url + path + q, {
      method,
      body: method === 'POST' ? (typeof payload === 'string' ? payload : new Uint8Array(payload)) : undefined,
      headers: { 'content-type': pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded; charset=latin1', 'multipart/form-data']) },
    });
    const text = await res.text();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text);
    } catch {
      failures.push(`${method} ${path}${q}: not JSON (${res.status}): ${text.slice(0, 80)}`);
      return;
    }
    const keys = Object.keys(json).join(',');
    if (keys !== 'id,status,message,data') failures.push(`${path}: keys ${keys}`);
    if (res.status >= 500) failures.push(`${path}: HTTP ${res.status}`);
    if (!allowed(path).has(json.status as number)) failures.push(`${path}: status ${json.status} not in its tables`);
    if (typeof json.id !== 'number' || !Number.isInteger(json.id)) failures.push(`${path}: id ${json.id}`);
  };
  const queue = Array.from({ length: 1500 }, (_, i) => i);
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (queue.pop() !== undefined) await one();
  }));
  assert.equal(failures.slice(0, 10), []);
  const health = await t.call('info.update', { phone: (await t.services.users.list(t.services.read))[0]!.phone }, { token });
  passes(health, 'the server still answers, with the same token');
});

fuzz.run();

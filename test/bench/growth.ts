/**
 * S9, data growth: the everyday calls on a database of 1,000,000 notices, 100,000 accounts and 20,000
 * cameras (bulk-loaded through the schema, test/bench/bulk.ts) against the same calls on 1,000 notices,
 * in one run. The families measured are the same in both: twelve accounts made through the API, each
 * with a camera of its own and 20 falls; the large database differs only by everyone else's rows. Each
 * call is timed one at a time over HTTP (latency, not throughput); target: every p50 within 1.5 x the
 * small database's, start-up on the large one under 5 s. Deep paging (`offset` 5,000 and more) is
 * printed for an account that sees 25,000 falls.
 */
import { exec, fill, LARGE, SMALL, type Size } from './bulk.js';
import { smallJpeg } from './photos.js';
import { account, call, dropScratch, median, scratchDir, startServer, type Server } from './lib.js';

const FAMILIES = 12;
const FALLS = 20;

interface Family { phone: string; token: string; camera: string }

async function post(server: Server, path: string, token: string, type: string, subtype: string, data: unknown): Promise<{ ms: number; reply: { status: number; data: any } }> {
  const t0 = performance.now();
  const reply = await call(`${server.url}/api${path}?token=${token}`, type, subtype, data);
  const ms = performance.now() - t0;
  if (reply.status !== 0 && !(subtype === 'sign' && reply.status === 101)) throw new Error(`S9 ${type}.${subtype}: ${JSON.stringify(reply).slice(0, 200)}`);
  return { ms, reply };
}

interface Measured { start: number; p50: Map<string, number>; paging: Map<number, { offset: number; before: number }>; seen: number }

async function measure(size: Size, engineEnv: (dir: string) => Promise<Record<string, string>>, log: (line: string) => void): Promise<Measured> {
  const dataDir = scratchDir('helpaged-growth-');
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', NOTICES_PER_DEVICE_PER_MINUTE: '100000', ALERT_SMS_COOLDOWN_SECONDS: '0', ...await engineEnv(dataDir) };
  let server = await startServer('src/main.ts', env);
  const families: Family[] = [];
  for (let i = 0; i < FAMILIES; i++) {
    const phone = `136${String(process.pid % 10000).padStart(4, '0')}${String(i).padStart(4, '0')}`;
    const token = await account(server, dataDir, phone);
    const camera = (await post(server, '/device', token, 'device', 'add', { device: `growth-${phone}` })).reply.data.device_id as string;
    await post(server, '/device', token, 'device', 'bind', { device_id: camera });
    for (let j = 0; j < FALLS; j++) await call(`${server.url}/api/notice?token=${camera}`, 'notice', 'upload', { base64: (await smallJpeg()).toString('base64') });
    families.push({ phone, token, camera });
  }
  await server.stop();
  const loaded = await fill(dataDir, env, size, Date.now());
  // the deep pager: the first family also sees the falls of 500 bulk cameras
  await exec(dataDir, env, `insert into bindings (user_id, device_id, created_at)
    select u.id, d.id, 0 from users u, devices d where u.phone = ? and d.name like 'bulk-cam-%' and d.id % ${Math.max(1, Math.floor(size.cameras / 500))} = 0`, [families[0]!.phone]);
  const t0 = performance.now();
  server = await startServer('src/main.ts', env);
  const start = performance.now() - t0;
  log(`  S9 ${size.notices.toLocaleString('en')} notices: bulk load ${(loaded / 1000).toFixed(1)} s, start-up ${start.toFixed(0)} ms`);

  const times = new Map<string, number[]>();
  const add = (name: string, ms: number) => times.set(name, [...(times.get(name) ?? []), ms]);
  // the first call of each account after start: nothing of it is cached
  for (const f of families.slice(1)) add('notice.get, first call after start', (await post(server, '/get/notice', f.token, 'notice', 'get', { mode: 2 })).ms);
  const [, me] = families;
  for (let r = 0; r < 60; r++) {
    add('notice.get unread (repeated)', (await post(server, '/get/notice', me!.token, 'notice', 'get', { mode: 0 })).ms);
    add('notice.get read (repeated)', (await post(server, '/get/notice', me!.token, 'notice', 'get', { mode: 1 })).ms);
    add('notice.get all (repeated)', (await post(server, '/get/notice', me!.token, 'notice', 'get', { mode: 2 })).ms);
    add('device.list', (await post(server, '/device', me!.token, 'device', 'list', {})).ms);
    const t1 = performance.now();
    const doki = await fetch(`${server.url}/api/user/doki?token=${me!.token}`);
    await doki.text();
    add('token check (GET /user/doki)', performance.now() - t1);
  }
  for (const f of families.slice(1)) {
    const list = (await post(server, '/get/notice', f.token, 'notice', 'get', { mode: 0 })).reply.data.list as { event_id: string }[];
    for (const n of list.slice(0, 6)) add('notice.sign', (await post(server, '/get/notice', f.token, 'notice', 'sign', { event_id: n.event_id })).ms);
  }
  for (let r = 0; r < 40; r++) {
    const f = families[1 + (r % (FAMILIES - 1))]!;
    const body = (await smallJpeg()).toString('base64');
    add('notice.upload (small JPEG)', (await post(server, '/notice', f.camera, 'notice', 'upload', { base64: body })).ms);
  }
  const paging = new Map<number, { offset: number; before: number }>();
  const pager = families[0]!;
  const seen = (await post(server, '/get/notice', pager.token, 'notice', 'get', { mode: 2, limit: 1 })).reply.data.total as number;
  for (const offset of [0, 1000, 5000, 10_000, 20_000]) {
    if (offset >= seen) continue;
    const byOffset: number[] = [];
    const byKey: number[] = [];
    for (let r = 0; r < 5; r++) {
      byOffset.push((await post(server, '/get/notice', pager.token, 'notice', 'get', { mode: 2, limit: 20, offset: offset + r + 1 })).ms);
      // the same page by key: after the notice at that depth
      const at = (await post(server, '/get/notice', pager.token, 'notice', 'get', { mode: 2, limit: 1, offset: offset + r })).reply.data.list[0].event_id as string;
      byKey.push((await post(server, '/get/notice', pager.token, 'notice', 'get', { mode: 2, limit: 20, before: at })).ms);
    }
    paging.set(offset, { offset: median(byOffset), before: median(byKey) });
  }
  await server.stop();
  dropScratch(dataDir);
  return { start, p50: new Map([...times].map(([k, v]) => [k, median(v)])), paging, seen };
}

/** Runs S9 and reports its lines; `engineEnv` gives a server's DATABASE_URL on PostgreSQL. */
export async function s9(engineEnv: (dir: string) => Promise<Record<string, string>>, report: (line: string) => void, log: (line: string) => void = console.log): Promise<void> {
  const small = await measure(SMALL, engineEnv, log);
  const large = await measure(LARGE, engineEnv, log);
  const missed: string[] = [];
  const lines = [...small.p50.keys()].map((name) => {
    const ratio = large.p50.get(name)! / small.p50.get(name)!;
    if (ratio > 1.5) missed.push(name);
    return `${name} ${small.p50.get(name)!.toFixed(2)} -> ${large.p50.get(name)!.toFixed(2)} ms (${ratio.toFixed(2)}x)`;
  });
  if (large.start > 5000) missed.push('start-up');
  report(`S9 data growth (1,000 -> 1,000,000 notices, p50 one call at a time, target within 1.5x): ${lines.join('; ')}; `
    + `start-up ${small.start.toFixed(0)} -> ${large.start.toFixed(0)} ms (target < 5 s); ${missed.length ? `MISSED: ${missed.join(', ')}` : 'all met'}`);
  report(`S9 deep paging (notice.get limit 20 for an account that sees ${large.seen.toLocaleString('en')} falls): `
    + [...large.paging].map(([depth, ms]) => `${depth} back: offset ${ms.offset.toFixed(1)} ms, before ${ms.before.toFixed(1)} ms`).join('; '));
}

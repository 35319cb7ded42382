/**
 * npm run bench:panels [-- --engine sqlite|postgres --rounds 7]
 *
 * The operator's panels on a large deployment: 1,000,000 notices over a year, 100,000 accounts and
 * 20,000 cameras, bulk-loaded through the schema (SQL straight into the tables the migrations made, not
 * through the API), against the same panels on a small one (1,000 notices, 1,000 accounts, 200 cameras)
 * in the same run. Each panel is asked `rounds` times over HTTP as the console asks it; the first answer
 * after start is printed apart. Target: every panel under 200 ms on the large database.
 */
import { parseArgs } from 'node:util';
import { DAY, exec, fill, LARGE, scalar, SMALL, type Size } from './bulk.js';
import { account, call, dropScratch, median, scratchDir, startServer, type Server } from './lib.js';
import { databaseFor, startCluster } from '../support/postgres.js';

const { values: args } = parseArgs({ options: { engine: { type: 'string', default: 'sqlite' }, rounds: { type: 'string', default: '7' } } });
const ROUNDS = Number(args.rounds);
const cluster = args.engine === 'postgres' ? await startCluster(true) : null;

const PANELS: [string, string, string, string, Record<string, unknown>][] = [
  ['accounts: first page', '/api/admin/user', 'user', 'search', {}],
  ['accounts: phone prefix', '/api/admin/user', 'user', 'search', { q: '1500001' }],
  ['accounts: nickname part', '/api/admin/user', 'user', 'search', { q: 'bulk 9999' }],
  ['accounts: page 1000', '/api/admin/user', 'user', 'search', { offset: 20_000 }],
  ['cameras: first page', '/api/admin/user', 'device', 'all', {}],
  ['cameras: page 200', '/api/admin/user', 'device', 'all', { offset: 10_000 }],
  ['alert chain', '/api/admin/user', 'alerts', 'chain', {}],
  ['report: 30 days', '/api/admin/user', 'report', 'falls', {}],
  ['report: 7 days', '/api/admin/user', 'report', 'falls', { from: Date.now() - 7 * DAY }],
  ['audit: newest', '/api/admin/user', 'audit', 'list', {}],
];

async function measure(size: Size): Promise<{ load: number; start: number; build: number; first: Map<string, number>; p50: Map<string, number>; max: Map<string, number> }> {
  const dataDir = scratchDir('panels');
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', PASSWORD_SCRYPT_LOG2N: '10', ...(cluster ? { DATABASE_URL: await databaseFor(cluster.url('postgres'), dataDir) } : {}) };
  let server: Server = await startServer('src/main.ts', env);
  const adminPhone = '13700000001';
  const token = await account(server, dataDir, adminPhone);
  await server.stop();
  const load = await fill(dataDir, env, size, Date.now());
  await exec(dataDir, env, `update users set role = 'admin' where phone = ?`, [adminPhone]);
  const t0 = performance.now();
  server = await startServer('src/main.ts', env);
  const start = performance.now() - t0;
  // the report's past days are built in the background at start: wait for the year (as on a server that has run a day)
  const t2 = performance.now();
  while (await scalar(dataDir, env, 'select count(*) from report_days') < 366) await new Promise((r) => setTimeout(r, 200));
  const build = performance.now() - t2;
  const first = new Map<string, number>();
  const times = new Map<string, number[]>();
  for (let r = 0; r <= ROUNDS; r++) {
    for (const [name, url, type, subtype, data] of PANELS) {
      const t1 = performance.now();
      const reply = await call(`${server.url}${url}?token=${token}`, type, subtype, data);
      const ms = performance.now() - t1;
      if (reply.status !== 0) throw new Error(`${name}: ${JSON.stringify(reply).slice(0, 300)}`);
      if (r === 0) first.set(name, ms);
      else times.set(name, [...(times.get(name) ?? []), ms]);
    }
  }
  await server.stop();
  dropScratch(dataDir);
  const p50 = new Map([...times].map(([k, v]) => [k, median(v)]));
  const max = new Map([...times].map(([k, v]) => [k, Math.max(...v)]));
  return { load, start, build, first, p50, max };
}

console.log(`panels on ${args.engine}: ${ROUNDS} rounds each, small (${SMALL.notices} notices) then large (${LARGE.notices.toLocaleString('en')} notices, ${LARGE.accounts.toLocaleString('en')} accounts, ${LARGE.cameras.toLocaleString('en')} cameras)`);
const small = await measure(SMALL);
const large = await measure(LARGE);
const f = (ms: number) => ms.toFixed(1);
console.log(`bulk load ${f(large.load / 1000)} s; start-up on the large database ${f(large.start)} ms (small: ${f(small.start)} ms); the year's report days built ${f(large.build / 1000)} s after start (small: ${f(small.build / 1000)} s)`);
console.log('panel                      small p50   large first   large p50   large max   ratio   target < 200 ms');
let missed = 0;
for (const [name] of PANELS) {
  const ratio = large.p50.get(name)! / small.p50.get(name)!;
  const ok = large.max.get(name)! < 200;
  if (!ok) missed++;
  console.log(`${name.padEnd(26)} ${f(small.p50.get(name)!).padStart(9)}   ${f(large.first.get(name)!).padStart(11)}   ${f(large.p50.get(name)!).padStart(9)}   ${f(large.max.get(name)!).padStart(9)}   ${ratio.toFixed(1).padStart(5)}   ${ok ? 'met' : 'MISSED'}`);
}
await cluster?.stop();
process.exit(missed ? 1 : 0);

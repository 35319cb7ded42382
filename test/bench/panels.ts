/**
 * npm run bench:panels [-- --engine sqlite|postgres --rounds 7]
 *
 * The operator's panels on a large deployment: 1,000,000 notices over a year, 100,000 accounts and
 * 20,000 cameras, bulk-loaded through the schema (SQL straight into the tables the migrations made, not
 * through the API), against the same panels on a small one (1,000 notices, 1,000 accounts, 200 cameras)
 * in the same run. Each panel is asked `rounds` times over HTTP as the console asks it; the first answer
 * after start is printed apart. Target: every panel under 200 ms on the large database.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { account, call, dropScratch, median, scratchDir, startServer, type Server } from './lib.js';
import { databaseFor, startCluster } from '../support/postgres.js';

const { values: args } = parseArgs({ options: { engine: { type: 'string', default: 'sqlite' }, rounds: { type: 'string', default: '7' } } });
const ROUNDS = Number(args.rounds);
const cluster = args.engine === 'postgres' ? await startCluster(true) : null;

interface Size { notices: number; accounts: number; cameras: number }
const LARGE: Size = { notices: 1_000_000, accounts: 100_000, cameras: 20_000 };
const SMALL: Size = { notices: 1_000, accounts: 1_000, cameras: 200 };
const DAY = 86_400_000;

/** The statements that fill a migrated database (`?`-free: the sizes and `now` are written in). */
export function bulk(size: Size, now: number, dialect: 'sqlite' | 'postgres'): string[] {
  const hex = (e: string) => (dialect === 'sqlite' ? `printf('%032x', ${e})` : `lpad(to_hex(${e}), 32, '0')`);
  const pad9 = (e: string) => (dialect === 'sqlite' ? `printf('%09d', ${e})` : `lpad((${e})::text, 9, '0')`);
  const series = (n: number) => (dialect === 'sqlite'
    ? `(with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) select i from s)`
    : `(select generate_series(1, ${n})::bigint as i)`);
  const span = Math.floor((365 * DAY) / size.notices);
  return [
    `insert into devices (device_id, name, created_by, created_at, model, last_seen_at, offline)
      select ${hex('i')}, 'bulk-cam-' || i, null, ${now - 400 * DAY}, 'FD-' || (i % 5),
        case when i % 7 = 0 then null else ${now} - (i % 600) * 1000 end, case when i % 20 = 0 then 1 else 0 end
      from ${series(size.cameras)} s`,
    `insert into users (phone, password_hash, nickname, role, created_at, updated_at)
      select '15' || ${pad9('i')}, 'bulk', 'bulk ' || i, 'user', ${now - 300 * DAY}, ${now - 300 * DAY} from ${series(size.accounts)} s`,
    `insert into bindings (user_id, device_id, created_at)
      select u.id, d.id, ${now - 300 * DAY} from users u join devices d on d.name = 'bulk-cam-' || (1 + (u.id % ${size.cameras})) where u.phone like '15%'`,
    `insert into notices (event_id, device_id, content, pic_name, image_type, created_at, photo_ok, ack_phone, ack_at, alerts_sent, verdict, verdict_phone, verdict_at)
      select ${hex(`i + ${10 ** 12}`)}, d.id, '', ${hex('i % 5000')}, 'jpeg', ${now} - s.i * ${span}, 1,
        case when s.i % 20 = 0 then null else '15000000001' end,
        case when s.i % 20 = 0 then null else ${now} - s.i * ${span} + 30000 + (s.i % 570) * 1000 end,
        1,
        case s.i % 10 when 0 then 'false_alarm' when 1 then 'fall' when 2 then 'fall' else null end,
        case when s.i % 10 < 3 then '15000000001' else null end,
        case when s.i % 10 < 3 then ${now} - s.i * ${span} + 700000 else null end
      from ${series(size.notices)} s join devices d on d.name = 'bulk-cam-' || (1 + (s.i % ${size.cameras}))`,
    `insert into notice_events (notice_id, kind, at, outcome, sent, total, attempt)
      select id, 'sms', created_at + 500, case when id % 50 = 0 then 'failed' else 'sent' end, case when id % 50 = 0 then 0 else 5 end, 5, 0
      from notices where created_at > ${now - 2 * DAY}`,
    `insert into alert_steps (notice_id, kind, phone, due_at, attempts)
      select id, 'alert-repeat', null, ${now + 60_000}, 0 from notices where ack_at is null and created_at > ${now - DAY}`,
    'analyze',
  ];
}

async function fill(dataDir: string, env: Record<string, string>, size: Size, now: number): Promise<number> {
  const started = performance.now();
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    for (const statement of bulk(size, now, 'postgres')) await client.query(statement);
    await client.end();
  } else {
    const db = new Database(path.join(dataDir, 'helpaged.sqlite'));
    db.transaction(() => {
      for (const statement of bulk(size, now, 'sqlite').slice(0, -1)) db.exec(statement);
    })();
    db.exec('analyze');
    db.close();
  }
  return performance.now() - started;
}

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

async function measure(size: Size): Promise<{ load: number; start: number; first: Map<string, number>; p50: Map<string, number>; max: Map<string, number> }> {
  const dataDir = scratchDir('panels');
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', PASSWORD_SCRYPT_LOG2N: '10', ...(cluster ? { DATABASE_URL: await databaseFor(cluster.url('postgres'), dataDir) } : {}) };
  let server: Server = await startServer('src/main.ts', env);
  const adminPhone = '13700000001';
  const token = await account(server, dataDir, adminPhone);
  await server.stop();
  const load = await fill(dataDir, env, size, Date.now());
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    await client.query(`update users set role = 'admin' where phone = $1`, [adminPhone]);
    await client.end();
  } else {
    const db = new Database(path.join(dataDir, 'helpaged.sqlite'));
    db.prepare(`update users set role = 'admin' where phone = ?`).run(adminPhone);
    db.close();
  }
  const t0 = performance.now();
  server = await startServer('src/main.ts', env);
  const start = performance.now() - t0;
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
  return { load, start, first, p50, max };
}

console.log(`panels on ${args.engine}: ${ROUNDS} rounds each, small (${SMALL.notices} notices) then large (${LARGE.notices.toLocaleString('en')} notices, ${LARGE.accounts.toLocaleString('en')} accounts, ${LARGE.cameras.toLocaleString('en')} cameras)`);
const small = await measure(SMALL);
const large = await measure(LARGE);
const f = (ms: number) => ms.toFixed(1);
console.log(`bulk load ${f(large.load / 1000)} s; start-up on the large database ${f(large.start)} ms (small: ${f(small.start)} ms)`);
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

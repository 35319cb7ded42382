/**
 * A large deployment made fast: rows written straight into the tables the migrations made (SQL on the
 * server's own database, not the API), for the benchmarks of data growth (S9) and of the Admin panels.
 * Every camera gets falls spread over a year, most acknowledged within 10 minutes, a tenth judged false
 * alarms and a fifth real falls; five accounts are bound to each camera. Cameras were heard from in the
 * last 5 minutes (or never, or are offline already) and pending steps are due in a day, so that nothing
 * fires in the background while a benchmark measures (no offline SMS, no repeat SMS).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export interface Size { notices: number; accounts: number; cameras: number }
export const LARGE: Size = { notices: 1_000_000, accounts: 100_000, cameras: 20_000 };
export const SMALL: Size = { notices: 1_000, accounts: 1_000, cameras: 200 };
export const DAY = 86_400_000;

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
        case when i % 7 = 0 then null else ${now} - (i % 300) * 1000 end, case when i % 20 = 0 then 1 else 0 end
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
      select id, 'alert-repeat', null, ${now + DAY}, 0 from notices where ack_at is null and created_at > ${now - DAY}`,
    // what the notice store keeps beside each fall: the cameras' falls per day (camera_record), built again
    'delete from camera_days',
    `insert into camera_days (device_id, day, falls, real, false_alarms)
      select device_id, ${dialect === 'postgres' ? '(created_at / 86400000)::integer' : 'created_at / 86400000'}, count(*),
        sum(case when verdict = 'fall' then 1 else 0 end), sum(case when verdict = 'false_alarm' then 1 else 0 end)
      from notices group by 1, 2`,
    'analyze',
  ];
}

export async function fill(dataDir: string, env: Record<string, string>, size: Size, now: number): Promise<number> {
  const started = performance.now();
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    // vacuum too: autovacuum would otherwise visit the million new rows while the benchmark measures
    for (const statement of bulk(size, now, 'postgres')) await client.query(statement === 'analyze' ? 'vacuum analyze' : statement);
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


/** The number a one-value query gives (`count(*)`), on the server's database while it runs or not. */
export async function scalar(dataDir: string, env: Record<string, string>, text: string): Promise<number> {
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query(text);
    await client.end();
    return Number(Object.values(rows[0] ?? {})[0] ?? 0);
  }
  const db = new Database(path.join(dataDir, 'helpaged.sqlite'), { readonly: true });
  try {
    return Number(db.prepare(text).pluck().get() ?? 0);
  } finally {
    db.close();
  }
}

/** One statement on the server's database while it is stopped (`?` placeholders, numbered for PostgreSQL). */
export async function exec(dataDir: string, env: Record<string, string>, text: string, params: unknown[] = []): Promise<void> {
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    let n = 0;
    await client.query(text.replace(/\?/g, () => `$${++n}`), params);
    await client.end();
  } else {
    const db = new Database(path.join(dataDir, 'helpaged.sqlite'));
    db.prepare(text).run(...params);
    db.close();
  }
}

import { sql, type SQL } from 'drizzle-orm';
import type { Database, Q } from './engine.js';

/** One row per camera of the cameras panel. */
export interface CameraRow {
  deviceId: string;
  name: string;
  model: string | null;
  lastSeenAt: number | null;
  offline: number;
  families: number;
  falls: number;
  judged: number;
  falseAlarms: number;
  medianAckMs: number | null;
}

export interface AccountRow {
  id: number;
  phone: string;
  nickname: string | null;
  role: 'user' | 'admin';
  createdAt: number;
  cameras: number;
  sessions: number;
}

/** One line of the alert chain panel: a section, a kind, and its figures. */
export interface ChainRow {
  section: 'pending' | 'sent' | 'unacked' | 'recent';
  kind: string;
  outcome: string;
  n: number;
  sent: number;
  total: number;
  /** recent: the fall (event id, camera name, when). */
  eventId: string | null;
  device: string | null;
  at: number | null;
}

/** One line of the falls report: a group (all, a day, a model, a camera) and its figures. */
export interface ReportRow {
  grp: 'all' | 'day' | 'model' | 'camera';
  key: string;
  label: string;
  falls: number;
  real: number;
  falseAlarms: number;
  acked: number;
  p50: number | null;
  p90: number | null;
}

const NUMERIC: readonly string[] = ['offline', 'families', 'falls', 'judged', 'falseAlarms', 'medianAckMs', 'lastSeenAt', 'createdAt', 'cameras', 'sessions',
  'n', 'sent', 'total', 'at', 'real', 'acked', 'p50', 'p90', 'id'];

/** `%`, `_` and `\` taken literally in a LIKE pattern (escaped with `\`). */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The operator's panels: each is one statement, computed in the database over indexed ranges (no
 * notice is loaded into the process), with the same SQL on both engines.
 */
export class AdminStore {
  constructor(private readonly db: Database) {}

  /** Rows of a raw statement; PostgreSQL's bigint counts come back as numbers as on SQLite. */
  private async rows<T>(q: Q, query: SQL): Promise<T[]> {
    const raw = this.db.dialect === 'sqlite'
      ? await (q.q as unknown as { all(query: SQL): Promise<Record<string, unknown>[]> }).all(query)
      : (await (q.q as unknown as { execute(query: SQL): Promise<{ rows: Record<string, unknown>[] }> }).execute(query)).rows;
    for (const row of raw) for (const k of NUMERIC) if (typeof row[k] === 'string') row[k] = Number(row[k]);
    return raw as T[];
  }

  /** Accounts whose phone starts with, or nickname contains (in any case), `term` (all when empty), by phone; with the total. */
  async accounts(q: Q, term: string, limit: number, offset: number): Promise<{ total: number; rows: AccountRow[] }> {
    const { users: u, bindings: b, tokens: t } = this.db.t;
    const where = term ? sql`where ${u.phone} like ${`${likeLiteral(term)}%`} escape '\\' or lower(${u.nickname}) like ${`%${likeLiteral(term.toLowerCase())}%`} escape '\\'` : sql``;
    // the page first, then its counts: the subqueries run for the page's rows only
    const rows = await this.rows<AccountRow & { total: number }>(q, sql`
      with page as (
        select ${u.id} as id, ${u.phone} as phone, ${u.nickname} as nickname, ${u.role} as role, ${u.createdAt} as created_at, count(*) over () as total
        from ${u} ${where}
        order by ${u.phone}
        limit ${limit} offset ${offset}
      )
      select page.id as id, page.phone as phone, page.nickname as nickname, page.role as role, page.created_at as "createdAt",
        (select count(*) from ${b} where ${b.userId} = page.id) as cameras,
        (select count(*) from ${t} where ${t.userId} = page.id) as sessions,
        page.total as total
      from page order by page.phone`);
    const total = rows[0]?.total ?? (offset > 0 ? await this.accountCount(q, where) : 0);
    return { total, rows: rows.map(({ total: _t, ...r }) => r) };
  }

  /** The count alone, for a page past the end (where the window has no row to ride on). */
  private async accountCount(q: Q, where: SQL): Promise<number> {
    const { users: u } = this.db.t;
    const [row] = await this.rows<{ n: number }>(q, sql`select count(*) as n from ${u} ${where}`);
    return row?.n ?? 0;
  }

  /**
   * Every camera, offline first, then online by last heard from (oldest first), then the ones never
   * heard from; with its families and, since `since`, its falls, verdicts and median time to acknowledge.
   */
  async cameras(q: Q, since: number, limit: number, offset: number): Promise<{ total: number; rows: CameraRow[] }> {
    const { devices: d, notices: n, bindings: b } = this.db.t;
    const rows = await this.rows<CameraRow & { total: number }>(q, sql`
      with page as (
        select ${d.id} as id, ${d.deviceId} as device_id, ${d.name} as name, ${d.model} as model, ${d.lastSeenAt} as last_seen_at, ${d.offline} as offline,
          count(*) over () as total
        from ${d}
        order by case when ${d.offline} = 1 then 0 when ${d.lastSeenAt} is null then 2 else 1 end, ${d.lastSeenAt}, ${d.id}
        limit ${limit} offset ${offset}
      ),
      f as (
        select ${n.deviceId} as device, ${n.verdict} as verdict,
          case when ${n.ackAt} is null then null else ${n.ackAt} - ${n.createdAt} end as delay
        from ${n} where ${n.deviceId} in (select id from page) and ${n.createdAt} >= ${since}
      ),
      agg as (
        select device, count(*) as falls, count(verdict) as judged,
          sum(case when verdict = 'false_alarm' then 1 else 0 end) as false_alarms
        from f group by device
      ),
      ranked as (
        select device, delay, row_number() over (partition by device order by delay) as rn, count(*) over (partition by device) as k
        from f where delay is not null
      ),
      med as (select device, min(case when rn * 2 >= k then delay end) as median from ranked group by device)
      select page.device_id as "deviceId", page.name as name, page.model as model, page.last_seen_at as "lastSeenAt", page.offline as offline,
        (select count(*) from ${b} where ${b.deviceId} = page.id) as families,
        coalesce(agg.falls, 0) as falls, coalesce(agg.judged, 0) as judged, coalesce(agg.false_alarms, 0) as "falseAlarms",
        med.median as "medianAckMs", page.total as total
      from page left join agg on agg.device = page.id left join med on med.device = page.id
      order by case when page.offline = 1 then 0 when page.last_seen_at is null then 2 else 1 end, page.last_seen_at, page.id`);
    const total = rows[0]?.total ?? (offset > 0 ? Number((await this.rows<{ n: number }>(q, sql`select count(*) as n from ${d}`))[0]?.n ?? 0) : 0);
    return { total, rows: rows.map(({ total: _t, ...r }) => r) };
  }

  /**
   * The alert chain: steps still to send (by kind), sends since `since` (by kind and outcome), falls
   * since `since` nobody acknowledged, and the latest `recent` of them.
   */
  async chain(q: Q, since: number, recent: number): Promise<ChainRow[]> {
    const { alertSteps: s, noticeEvents: e, notices: n, devices: d } = this.db.t;
    return this.rows<ChainRow>(q, sql`
      select 'pending' as section, ${s.kind} as kind, '' as outcome, count(*) as n, 0 as sent, 0 as total,
        null as "eventId", null as device, min(${s.dueAt}) as at
      from ${s} where ${s.doneAt} is null group by ${s.kind}
      union all
      select 'sent', ${e.kind}, ${e.outcome}, count(*), sum(${e.sent}), sum(${e.total}), null, null, max(${e.at})
      from ${e} where ${e.at} >= ${since} group by ${e.kind}, ${e.outcome}
      union all
      select 'unacked', '', '', count(*), 0, 0, null, null, min(${n.createdAt})
      from ${n} where ${n.createdAt} >= ${since} and ${n.ackAt} is null
      union all
      select * from (
        select 'recent', '', '', 0, 0, 0, ${n.eventId}, ${d.name}, ${n.createdAt}
        from ${n} join ${d} on ${d.id} = ${n.deviceId}
        where ${n.createdAt} >= ${since} and ${n.ackAt} is null
        order by ${n.createdAt} desc limit ${recent}
      ) latest`);
  }

  /**
   * Falls in [from, to): overall, per day (days start at `dayOffsetMs` past midnight UTC: the zone's
   * offset), per model and per camera (the `cameras` with most falls), each with verdicts and the 50th
   * and 90th percentiles of the time to acknowledge in whole seconds (p50/p90 are ms, multiples of 1000).
   *
   * One pass over the range's rows (kept in a temporary table), then one small histogram per group:
   * delays counted per second, and each percentile the first second whose running count reaches its
   * share. Exact at the precision it is shown in, and much cheaper than ranking every row per group.
   */
  async report(q: Q, from: number, to: number, dayOffsetMs: number, cameras: number): Promise<ReportRow[]> {
    const { notices: n, devices: d } = this.db.t;
    const counts = sql.raw(`count(*) as c, sum(case when v = 'fall' then 1 else 0 end) as r, sum(case when v = 'false_alarm' then 1 else 0 end) as fa`);
    return this.rows<ReportRow>(q, sql`
      with f as materialized (
        select ${n.deviceId} as dev, ${d.deviceId} as device_id, ${d.name} as name, coalesce(${d.model}, '') as model, ${n.verdict} as v,
          case when ${n.ackAt} is null then null else (${n.ackAt} - ${n.createdAt} + 500) / 1000 end as s,
          cast((${n.createdAt} + ${dayOffsetMs}) / 86400000 as integer) as day
        from ${n} join ${d} on ${d.id} = ${n.deviceId}
        where ${n.createdAt} >= ${from} and ${n.createdAt} < ${to}
      ),
      top as (select dev from f group by dev order by count(*) desc, dev limit ${cameras}),
      h as (
        select 'all' as grp, '' as key, '' as label, s, ${counts} from f group by s
        union all select 'day', cast(day as text), '', s, ${counts} from f group by day, s
        union all select 'model', model, '', s, ${counts} from f group by model, s
        union all select 'camera', device_id, min(name), s, ${counts} from f where dev in (select dev from top) group by device_id, s
      ),
      run as (
        select h.*,
          sum(case when s is null then 0 else c end) over (partition by grp, key order by s rows unbounded preceding) as cum,
          sum(case when s is null then 0 else c end) over (partition by grp, key) as acked
        from h
      )
      select grp, key, max(label) as label, sum(c) as falls, sum(r) as "real", sum(fa) as "falseAlarms", max(acked) as acked,
        min(case when s is not null and cum * 2 >= acked then s end) * 1000 as p50,
        min(case when s is not null and cum * 10 >= acked * 9 then s end) * 1000 as p90
      from run group by grp, key`);
  }
}

import { sql, type SQL } from 'drizzle-orm';
import { rawRows, type Database, type Q } from './engine.js';
import { ackBin, DAY_MS, dayOf, ReportDayStore } from './report-days.js';

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
  /** Its pause (device.pause), when one is set: until when (maybe run out, not swept yet), by whom, why. */
  pausedUntil: number | null;
  pausedBy: string | null;
  pausedReason: string | null;
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

const NUMERIC: readonly string[] = ['offline', 'families', 'falls', 'judged', 'falseAlarms', 'medianAckMs', 'lastSeenAt', 'pausedUntil', 'createdAt', 'cameras', 'sessions',
  'n', 'sent', 'total', 'at', 'real', 'acked', 'p50', 'p90', 'id'];

/** `%`, `_` and `\` taken literally in a LIKE pattern (escaped with `\`). */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The operator's panels: each is one statement, computed in the database over indexed ranges (no
 * notice is loaded into the process), with the same SQL on both engines.
 */
export class AdminStore {
  private readonly days: ReportDayStore;

  constructor(private readonly db: Database) {
    this.days = new ReportDayStore(db);
  }

  /** Rows of a raw statement; PostgreSQL's bigint counts come back as numbers as on SQLite. */
  private async rows<T>(q: Q, query: SQL): Promise<T[]> {
    const raw = await rawRows(this.db, q, query);
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
          ${d.pausedUntil} as paused_until, ${d.pausedBy} as paused_by, ${d.pausedReason} as paused_reason, count(*) over () as total
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
        med.median as "medianAckMs", page.paused_until as "pausedUntil", page.paused_by as "pausedBy", page.paused_reason as "pausedReason", page.total as total
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
   * and 90th percentiles of the time to acknowledge (ms; whole seconds to two significant figures,
   * rounded down: see `ackBin`).
   *
   * Days wholly inside the range that the sweep has built (db/report-days.ts) are read from their few
   * hundred bins each; the rest of the range (its ragged ends, today, a day a write has touched since) from
   * the notices. The days are listed first and checked again inside the statement, so a day touched in
   * between is read from the notices and one built in between is not counted twice. Cameras are ranked
   * and counted from the notices' covering index. Each percentile is the first bin whose running count
   * reaches its share.
   */
  async report(q: Q, from: number, to: number, dayOffsetMs: number, cameras: number): Promise<ReportRow[]> {
    const { notices: n, devices: d, reportDays: rd, reportBins: rb } = this.db.t;
    const built = await this.days.within(q, dayOffsetMs, from, to);
    // the range less the built days: the spans read from the notices
    const spans: [number, number][] = [];
    let at = from;
    for (const day of built) {
      if (day.startMs > at) spans.push([at, day.startMs]);
      at = day.endMs;
    }
    if (at < to) spans.push([at, to]);
    // VALUES lists cannot be empty: a day no range reaches, a span that holds nothing
    const d1 = sql.join((built.length ? built.map((x) => x.day) : [-1_000_000_000]).map((day) => sql`(cast(${day} as integer))`), sql`, `);
    const s1 = sql.join((spans.length ? spans : [[0, 0]]).map(([lo, hi]) => sql`(cast(${lo} as bigint), cast(${hi} as bigint))`), sql`, `);
    const counts = sql.raw(`count(*) as c, sum(case when v = 'fall' then 1 else 0 end) as r, sum(case when v = 'false_alarm' then 1 else 0 end) as fa`);
    const sums = sql.raw('sum(c) as c, sum(r) as r, sum(fa) as fa');
    const bin = ackBin(sql`${n.ackAt}`, sql`${n.createdAt}`);
    return this.rows<ReportRow>(q, sql`
      with d1(day) as (values ${d1}),
      m as (select ${rd.day} as day from ${rd} where ${rd.off} = ${dayOffsetMs} and ${rd.day} in (select day from d1)),
      spans(lo, hi) as (
        values ${s1}
        union all select cast(day as bigint) * ${DAY_MS} - ${dayOffsetMs}, cast(day + 1 as bigint) * ${DAY_MS} - ${dayOffsetMs} from d1 where day not in (select day from m)
      ),
      raw as (
        select coalesce(${d.model}, '') as model, ${dayOf(sql`${n.createdAt}`, dayOffsetMs)} as day, ${n.verdict} as v, ${bin} as b
        from spans cross join ${n} cross join ${d}
        where ${n.createdAt} >= spans.lo and ${n.createdAt} < spans.hi and ${d.id} = ${n.deviceId}
      ),
      dm as materialized (
        select ${rb.model} as model, ${rb.day} as day, ${rb.bin} as b, ${rb.falls} as c, ${rb.real} as r, ${rb.falseAlarms} as fa
        from ${rb} where ${rb.off} = ${dayOffsetMs} and ${rb.day} in (select day from m)
        union all select model, day, b, ${counts} from raw group by model, day, b
      ),
      top as (
        select ${n.deviceId} as dev from ${n} where ${n.createdAt} >= ${from} and ${n.createdAt} < ${to}
        group by ${n.deviceId} order by count(*) desc, ${n.deviceId} limit ${cameras}
      ),
      cam as (
        select ${n.deviceId} as dev, ${n.verdict} as v, ${bin} as b
        from ${n} where ${n.createdAt} >= ${from} and ${n.createdAt} < ${to} and ${n.deviceId} in (select dev from top)
      ),
      h as (
        select 'all' as grp, '' as key, '' as label, b, ${sums} from dm group by b
        union all select 'day', cast(day as text), '', b, ${sums} from dm group by day, b
        union all select 'model', model, '', b, ${sums} from dm group by model, b
        union all select 'camera', ${d.deviceId}, min(${d.name}), b, ${counts} from cam join ${d} on ${d.id} = cam.dev group by ${d.deviceId}, b
      ),
      run as (
        select h.*,
          sum(case when b < 0 then 0 else c end) over (partition by grp, key order by b rows unbounded preceding) as cum,
          sum(case when b < 0 then 0 else c end) over (partition by grp, key) as acked
        from h
      )
      select grp, key, max(label) as label, sum(c) as falls, sum(r) as "real", sum(fa) as "falseAlarms", max(acked) as acked,
        min(case when b >= 0 and cum * 2 >= acked then b end) * 1000 as p50,
        min(case when b >= 0 and cum * 10 >= acked * 9 then b end) * 1000 as p90
      from run group by grp, key`);
  }
}

import { and, eq, gt, lt, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { hot, rawRun, run, type Database, type Q, type Tx } from './engine.js';

export const DAY_MS = 86_400_000;

/** The day (whole days since the epoch, cut at `off` ms east of UTC) a fall stored at `createdAt` falls in. */
export function dayOf(createdAt: SQL, off: number): SQL {
  return sql`cast((${createdAt} + ${off}) / ${DAY_MS} as integer)`;
}

/**
 * A fall's time to acknowledge in whole seconds (rounded, never below 0), binned to two significant
 * figures rounded down (59, 120, 310, 1200, ...), or -1 when nobody acknowledged it: the unit of the
 * report's percentiles, the same for the built days and for falls read from the notices.
 */
export function ackBin(ackAt: SQL, createdAt: SQL): SQL {
  const s = sql`(case when ${ackAt} - ${createdAt} < 0 then 0 else (${ackAt} - ${createdAt} + 500) / 1000 end)`;
  return sql`(case when ${ackAt} is null then -1
    when ${s} < 100 then ${s} when ${s} < 1000 then ${s} / 10 * 10 when ${s} < 10000 then ${s} / 100 * 100
    when ${s} < 100000 then ${s} / 1000 * 1000 else ${s} / 10000 * 10000 end)`;
}

/**
 * The falls report's built days (report_days, report_bins in schema-reports.ts): past days' figures by model
 * and delay bin, so that a report over weeks does not read every fall again.
 *
 * Exactness: a day's row is deleted in the transaction of every write to one of its falls (a fall
 * stored or withdrawn, acknowledged, judged) and of a camera's model changing, so a report only uses
 * a day whose figures match its falls, and reads the rest from the notices. A build and such a write
 * cannot overlap: on SQLite transactions take turns; on PostgreSQL the build locks report_days
 * against the writers' delete (SHARE ROW EXCLUSIVE against their ROW EXCLUSIVE) for the few
 * milliseconds one day takes, and its reads start after the lock, so they see every committed write
 * and the writes that wait delete the row it made.
 */
export class ReportDayStore {
  constructor(private readonly db: Database) {}

  /** A fall stored at `createdAt` (or withdrawn): its day no longer counts as built, under any offset. */
  async touch(tx: Tx, createdAt: number): Promise<void> {
    const { reportDays: r } = this.db.t;
    const p = sql.placeholder('at');
    await run(hot(tx, 'report_days_touch', (b) => b.delete(r).where(and(gt(r.startMs, sql`cast(${p} as bigint) - ${DAY_MS}`), lte(r.startMs, p), gt(r.endMs, p)))), { at: createdAt });
  }

  /** `touch` for the day of the stored fall `noticeId`. */
  async touchNotice(tx: Tx, noticeId: number): Promise<void> {
    const { reportDays: r, notices: n } = this.db.t;
    await tx.q.delete(r).where(sql`exists (select 1 from ${n} where ${n.id} = ${noticeId}
      and ${r.startMs} > ${n.createdAt} - ${DAY_MS} and ${r.startMs} <= ${n.createdAt} and ${r.endMs} > ${n.createdAt})`);
  }

  /** Every day is read from the notices again (a camera's model changed: the days' model groups are stale). */
  async touchAll(tx: Tx): Promise<void> {
    await tx.q.delete(this.db.t.reportDays);
  }

  /** The built days under `off` that lie wholly inside [from, to), in order. */
  async within(q: Q, off: number, from: number, to: number): Promise<{ day: number; startMs: number; endMs: number }[]> {
    const { reportDays: r } = this.db.t;
    return q.q.select({ day: r.day, startMs: r.startMs, endMs: r.endMs }).from(r)
      .where(and(eq(r.off, off), sql`${r.startMs} >= ${from}`, lte(r.endMs, to))).orderBy(r.day);
  }

  /** The built days under `off` from `firstDay` on. */
  async builtSince(q: Q, off: number, firstDay: number): Promise<Set<number>> {
    const { reportDays: r } = this.db.t;
    const rows = await q.q.select({ day: r.day }).from(r).where(and(eq(r.off, off), sql`${r.day} >= ${firstDay}`));
    return new Set(rows.map((x) => x.day));
  }

  /** Builds the days `first` to `last` under `off` (the zone's offset, ms east of UTC) from their falls. */
  async build(tx: Tx, off: number, first: number, last: number, now: number): Promise<void> {
    const { reportDays: r, reportBins: b, notices: n, devices: d } = this.db.t;
    if (this.db.dialect === 'postgres') await rawRun(this.db, tx, sql`lock table ${r} in share row exclusive mode`);
    const startMs = first * DAY_MS - off;
    const endMs = (last + 1) * DAY_MS - off;
    const days = and(sql`${r.day} >= ${first}`, lte(r.day, last), eq(r.off, off));
    await tx.q.delete(r).where(days);
    await tx.q.delete(b).where(and(eq(b.off, off), sql`${b.day} >= ${first}`, lte(b.day, last)));
    await rawRun(this.db, tx, sql`insert into ${b} (${sql.identifier('off')}, ${sql.identifier('day')}, ${sql.identifier('model')}, ${sql.identifier('bin')},
        ${sql.identifier('falls')}, ${sql.identifier('real')}, ${sql.identifier('false_alarms')})
      select cast(${off} as integer), day, model, bin, count(*), sum(case when v = 'fall' then 1 else 0 end), sum(case when v = 'false_alarm' then 1 else 0 end)
      from (
        select ${dayOf(sql`${n.createdAt}`, off)} as day, coalesce(${d.model}, '') as model, ${n.verdict} as v,
          ${ackBin(sql`${n.ackAt}`, sql`${n.createdAt}`)} as bin
        from ${n} join ${d} on ${d.id} = ${n.deviceId}
        where ${n.createdAt} >= ${startMs} and ${n.createdAt} < ${endMs}
      ) falls
      group by day, model, bin`);
    const rows = [];
    for (let day = first; day <= last; day++) rows.push({ off, day, startMs: day * DAY_MS - off, endMs: (day + 1) * DAY_MS - off, builtAt: now });
    await tx.q.insert(r).values(rows);
  }

  /** Drops what no report will use: days cut with an offset not in `offs`, and days before `firstDay`. */
  async prune(tx: Tx, offs: number[], firstDay: number): Promise<number> {
    const { reportDays: r, reportBins: b } = this.db.t;
    const days = this.db.affected(await tx.q.delete(r).where(or(notInArray(r.off, offs), lt(r.day, firstDay))));
    await tx.q.delete(b).where(or(notInArray(b.off, offs), lt(b.day, firstDay)));
    return days;
  }
}

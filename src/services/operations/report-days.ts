import type { Clock } from '../../clock.js';
import type { Database } from '../../db/engine.js';
import { DAY_MS, type ReportDayStore } from '../../db/report-days.js';
import type { Logger } from '../../log.js';
import { offsetAt } from '../devices/index.js';

/** Days kept built: the longest report range (366 days) and the day it starts in. */
const KEEP_DAYS = 367;
/** A day is built once it ended this long ago, so that a fall stamped by an instance whose clock lags is in. */
const SETTLE_MS = 10 * 60_000;
/** How long one transaction of the build should take, and the most days it builds. */
const BATCH_MS = 20;
const MAX_SPAN = 64;

/**
 * Keeps the falls report's past days built (db/report-days.ts): every day of the last year that has
 * ended and is not built (never yet, or touched by a write since) is built, newest first, in short
 * transactions; days no report can reach are dropped. Runs at start and with every sweep, under
 * the sweeps lock (server.ts). Reports stay exact whatever has been built: an unbuilt day is read from
 * the notices, only slower.
 *
 * Days are cut with the offsets NOTICE_TIMEZONE has had over the year (two where it has summer time):
 * a report uses the offset at its start.
 */
export class ReportDays {
  private stopping = false;
  /** The build under way in this process: a second call waits for it (the sweeps lock keeps other instances out). */
  private current: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly store: ReportDayStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly timezone: string,
  ) {}

  /** The server is stopping: a build under way ends after its current day. */
  stop(): void {
    this.stopping = true;
  }

  build(): Promise<{ built: number; dropped: number }> {
    const next = this.current.catch(() => undefined).then(() => this.buildNow());
    this.current = next;
    return next;
  }

  private async buildNow(): Promise<{ built: number; dropped: number }> {
    const started = performance.now();
    const now = this.clock.now();
    const offs = new Set<number>();
    for (let at = now; at > now - KEEP_DAYS * DAY_MS; at -= DAY_MS) offs.add(offsetAt(this.timezone, at));
    const firstDay = Math.min(...[...offs].map((off) => Math.floor((now + off) / DAY_MS))) - KEEP_DAYS;
    const dropped = await this.db.transaction((tx) => this.store.prune(tx, [...offs], firstDay));
    // the days to build, as runs of consecutive days under one offset, newest first
    const runs: { off: number; last: number; first: number }[] = [];
    for (const off of offs) {
      const today = Math.floor((now + off) / DAY_MS);
      const have = await this.store.builtSince(this.db.read, off, today - KEEP_DAYS);
      for (let day = today - 1; day >= today - KEEP_DAYS; day--) {
        if (have.has(day) || (day + 1) * DAY_MS - off > now - SETTLE_MS) continue;
        const run = runs.at(-1);
        if (run && run.off === off && run.first === day + 1) run.first = day;
        else runs.push({ off, last: day, first: day });
      }
    }
    let built = 0;
    // days to a transaction: doubled while one takes under BATCH_MS, halved past it, so that a quiet
    // year's empty days go in a few commits and a busy day alone (the writers that the build holds back,
    // db/report-days.ts, wait little)
    let span = 1;
    for (const run of runs) {
      for (let last = run.last; last >= run.first && !this.stopping;) {
        const first = Math.max(run.first, last - span + 1);
        const began = performance.now();
        await this.db.transaction((tx) => this.store.build(tx, run.off, first, last, this.clock.now()));
        const took = performance.now() - began;
        span = took < BATCH_MS / 2 ? Math.min(span * 2, MAX_SPAN) : took > BATCH_MS ? Math.max(1, span >> 1) : span;
        built += last - first + 1;
        last = first - 1;
        // let requests in between
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (built || dropped) this.log.info('report days built', { built, dropped, ms: Math.round(performance.now() - started) });
    return { built, dropped };
  }
}

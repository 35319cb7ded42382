import type { Clock } from '../../clock.js';
import type { Database } from '../../db/engine.js';
import { DAY_MS, type ReportDayStore } from '../../db/report-days.js';
import type { Logger } from '../../log.js';
import { offsetAt } from '../devices/index.js';

/** Days kept built: the longest report range (366 days) and the day it starts in. */
const KEEP_DAYS = 367;
/** A day is built once it ended this long ago, so that a fall stamped by an instance whose clock lags is in. */
const SETTLE_MS = 10 * 60_000;

/**
 * Keeps the falls report's past days built (db/report-days.ts): every day of the last year that has
 * ended and is not built (never yet, or touched by a write since) is built, newest first, one short
 * transaction each; days no report can reach are dropped. Runs at start and with every sweep, under
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
    let built = 0;
    for (const off of offs) {
      const today = Math.floor((now + off) / DAY_MS);
      const have = await this.store.builtSince(this.db.read, off, today - KEEP_DAYS);
      for (let day = today - 1; day >= today - KEEP_DAYS && !this.stopping; day--) {
        if (have.has(day) || (day + 1) * DAY_MS - off > now - SETTLE_MS) continue;
        await this.db.transaction((tx) => this.store.build(tx, off, day, this.clock.now()));
        built++;
        // let requests in between days
        if (built % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (built || dropped) this.log.info('report days built', { built, dropped, ms: Math.round(performance.now() - started) });
    return { built, dropped };
  }
}

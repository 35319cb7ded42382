import type { Clock } from '../../clock.js';
import type { Database } from '../../db/engine.js';
import type { NoticeStore } from '../../db/notices.js';
import type { Logger } from '../../log.js';
import type { FileStore, Photos } from '../media/index.js';
import type { Bus } from '../shared/index.js';

/** Notices let go of per transaction: short transactions, so that uploads never wait long behind one. */
const BATCH = 500;

/**
 * Photo retention (NOTICE_RETENTION_DAYS): a fall's photo is removed once it is older than that, has
 * been acknowledged and has no escalation step left; its row stays, with `photo: null`. An
 * unacknowledged fall keeps its photo until someone acknowledges it.
 *
 * In two steps, each safe to cut short: a transaction marks a batch of rows and queues their photo
 * names (photo_removals); then each queued file that no kept row names is removed and its name taken
 * off the queue. A crash in between leaves names on the queue, which the next sweep finishes. Runs
 * under the sweeps lock (server.ts), so one instance sweeps at a time.
 */
export class PhotoRetention {
  constructor(
    private readonly db: Database,
    private readonly notices: NoticeStore,
    /** The camera's originals, and the variants the console was served (removed with them). */
    private readonly files: { originals: FileStore; photos: Photos },
    private readonly bus: Bus,
    private readonly base: { clock: Clock; log: Logger },
    private readonly days: number,
  ) {}

  private stopping = false;

  /** The server is stopping: a sweep under way ends after its current batch. */
  stop(): void {
    this.stopping = true;
  }

  get enabled(): boolean {
    return this.days > 0;
  }

  /** One pass: what is expired now, then the queue. How many rows were let go of and files removed. */
  async sweep(): Promise<{ released: number; removed: number }> {
    // the queue first: a crash's leftovers go even when retention has since been switched off
    let removed = await this.drain();
    let released = 0;
    if (this.enabled) {
      const before = this.base.clock.now() - this.days * 86_400_000;
      for (;;) {
        const n = await this.db.transaction(async (tx) => {
          const count = await this.notices.releasePhotos(tx, before, BATCH, this.base.clock.now());
          // every list that shows one of these photos changes (photo: null)
          if (count) await this.bus.send(tx, { k: 'lists', users: 'all' });
          return count;
        });
        released += n;
        removed += await this.drain();
        if (n < BATCH || this.stopping) break;
        // let requests in between batches
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (released || removed) this.base.log.info('photos past retention removed', { released, removed, days: this.days });
    return { released, removed };
  }

  /** Removes the queued files that no kept row names (two falls may share a photo), then their names. */
  private async drain(): Promise<number> {
    let removed = 0;
    for (;;) {
      const names = await this.notices.queuedRemovals(this.db.read, BATCH);
      if (names.length === 0 || this.stopping) return removed;
      for (const name of names) {
        if (await this.notices.referenced(this.db.read, name)) continue;
        await this.files.originals.remove(name);
        await this.files.photos.remove(name);
        removed++;
      }
      await this.db.transaction((tx) => this.notices.dequeueRemovals(tx, names));
    }
  }
}

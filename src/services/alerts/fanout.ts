import type { Database } from '../../db/engine.js';
import type { DeviceStore } from '../../db/devices.js';
import type { NoticeStore } from '../../db/notices.js';
import type { Logger } from '../../log.js';
import type { Bus } from '../shared/index.js';
import type { NoticeHub } from './hub.js';
import type { NoticeLists } from './lists.js';
import type { PublicNotice } from './public-notice.js';
import type { NoticeView } from './view.js';

/** Notices read per query when streams catch up. */
const CATCH_UP_BATCH = 200;

/**
 * What the family's open streams and cached lists are told: a fall stored, acknowledged or judged, here
 * or on another instance (the bus's wake-ups), each notice streamed once and in id order.
 */
export class NoticeFanout {
  /** The highest notice id sent to this instance's streams, and the highest one some instance announced. */
  private streamed = 0;
  private announced = 0;
  private catching: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly stores: { notices: NoticeStore; devices: DeviceStore },
    private readonly hub: NoticeHub,
    private readonly lists: NoticeLists,
    private readonly view: NoticeView,
    bus: Bus,
  ) {
    bus.on((wake) => {
      if (wake.k === 'notices') return wake.upTo > 0 ? this.catchUp(wake.upTo) : this.stores.notices.lastId(this.db.read).then((last) => this.catchUp(last));
      else if (wake.k === 'ack') return this.tellAcknowledged(wake.notice);
      else if (wake.k === 'verdict') return this.tellVerdict(wake.notice);
      else if (wake.k === 'resident') return this.tellResident(wake.notice);
    });
    bus.onResync(async () => {
      this.lists.cache.invalidate('all');
      await this.catchUp(await this.stores.notices.lastId(this.db.read));
    });
  }

  /** Streams are sent notices stored from now on. */
  async start(): Promise<void> {
    this.streamed = await this.stores.notices.lastId(this.db.read);
  }

  /**
   * A notice this instance stored, its photo placed: the cached lists of the accounts that see it take it
   * (before the camera is answered, so that a list asked for right after shows the fall), and this
   * instance's streams get it (the others were woken by its commit).
   */
  stored(ids: number[], noticeId: number, notice: PublicNotice, log: Logger): void {
    this.lists.cache.added(ids, noticeId, notice);
    if (!this.catching && this.streamed === noticeId - 1 && this.announced <= noticeId) {
      // the next one in line: streamed as it is, without reading it back
      this.streamed = this.announced = noticeId;
      this.hub.publish(ids, { type: 'notice', seq: noticeId, data: notice });
    } else {
      void this.catchUp(noticeId).catch((err) => log.error('streams not caught up', { err }));
    }
  }

  /** A verdict was given (here or on another instance): its accounts' lists are dropped and their streams told. */
  private async tellVerdict(noticeId: number): Promise<void> {
    const notice = await this.stores.notices.byId(this.db.read, noticeId);
    if (!notice || notice.verdict === null) return;
    const ids = (await this.stores.devices.boundUsers(this.db.read, notice.deviceRowId)).map((u) => u.id);
    this.lists.cache.invalidate(ids);
    this.hub.publish(ids, { type: 'verdict', data: { event_id: notice.eventId, verdict: this.view.describe(notice).verdict! } });
  }

  /** The resident answered (here or on another instance): its accounts' lists are dropped and their streams told. */
  private async tellResident(noticeId: number): Promise<void> {
    const notice = await this.stores.notices.byId(this.db.read, noticeId);
    const resident = notice && this.view.describe(notice).resident;
    if (!notice || !resident) return;
    const ids = (await this.stores.devices.boundUsers(this.db.read, notice.deviceRowId)).map((u) => u.id);
    this.lists.cache.invalidate(ids);
    this.hub.publish(ids, { type: 'resident', data: { event_id: notice.eventId, resident } });
  }

  /** A notice was acknowledged (here or on another instance): its accounts' lists are dropped and their streams told. */
  private async tellAcknowledged(noticeId: number): Promise<void> {
    const notice = await this.stores.notices.byId(this.db.read, noticeId);
    if (!notice || notice.ackAt === null) return;
    const ids = (await this.stores.devices.boundUsers(this.db.read, notice.deviceRowId)).map((u) => u.id);
    this.lists.cache.invalidate(ids);
    this.hub.publish(ids, { type: 'acknowledged', data: { event_id: notice.eventId, acknowledged: this.view.acknowledgement(notice)! } });
  }

  /**
   * Sends this instance's streams the notices stored up to `upTo` that they have not had, in id order:
   * the rows are read from the table, so a wake-up missed or repeated loses and repeats nothing. Only
   * up to the highest id announced, so that a notice is streamed once its photo is stored.
   */
  private catchUp(upTo: number): Promise<void> {
    this.announced = Math.max(this.announced, upTo);
    if (this.catching) return this.catching;
    const work = async () => {
      while (this.streamed < this.announced) {
        const target = this.announced;
        if (this.hub.idle && this.lists.cache.empty) {
          // nobody here to tell and nothing cached (an instance without clients, or whose clients are all
          // elsewhere): no rows to read; a list being read meanwhile is not cached under the old version
          this.lists.cache.invalidate('all');
          this.streamed = target;
          break;
        }
        const rows = await this.stores.notices.stored(this.db.read, this.streamed, target, CATCH_UP_BATCH);
        const bound = new Map<number, number[]>();
        const notices = await this.lists.toPublic(this.db.read, rows);
        for (const [i, row] of rows.entries()) {
          let ids = bound.get(row.deviceRowId);
          if (!ids) bound.set(row.deviceRowId, (ids = (await this.stores.devices.boundUsers(this.db.read, row.deviceRowId)).map((u) => u.id)));
          const notice = notices[i]!;
          this.lists.cache.added(ids, row.id, notice);
          this.hub.publish(ids, { type: 'notice', seq: row.id, data: notice });
        }
        this.streamed = rows.length === CATCH_UP_BATCH ? rows.at(-1)!.id : target;
      }
    };
    // cleared in a callback, which runs after the assignment even when there was nothing to do
    this.catching = work().finally(() => {
      this.catching = null;
    });
    return this.catching;
  }
}

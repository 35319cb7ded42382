import type { Database, Q, Tx } from '../../db/engine.js';
import type { Mode, NoticeRow, NoticeStore } from '../../db/notices.js';
import type { PublicNotice } from './public-notice.js';
import type { Clock } from '../../clock.js';
import type { Bus } from '../shared/index.js';
import { type Head, ListCache } from './list-cache.js';
import type { NoticeView } from './view.js';

/**
 * A family's lists (notice.get): served from this instance's cache while nothing the account sees has
 * changed, the misses of one list that arrive together sharing one database read.
 */
export class NoticeLists {
  /** The cached replies; the fan-out puts new falls into them and drops what a wake-up changes. */
  readonly cache = new ListCache();
  /** List reads not yet sent, by account and list, with the callers waiting on them (readOnce). */
  private readonly unsent = new Map<string, Promise<string | null>>();

  constructor(
    private readonly db: Database,
    private readonly notices: NoticeStore,
    private readonly bus: Bus,
    private readonly clock: Clock,
    private readonly view: NoticeView,
  ) {
    bus.on((wake) => {
      if (wake.k === 'lists') this.cache.invalidate(wake.users);
    });
  }

  /**
   * The cached reply, if it is still what the database would answer: a hit is only served once this
   * instance has handled every wake-up committed before the request (Bus.caughtUp), so a fall stored,
   * a mark or a verdict given through another instance just before is in it. Null on a miss, or when
   * that cannot be shown (wake-ups may be missed, the echo is late): the caller reads the database.
   */
  private async cached(userId: number, key: string): Promise<string | null> {
    const first = this.cache.get(userId, key);
    if (!('json' in first)) return null;
    if (!await this.bus.caughtUp()) return null;
    const now = this.cache.get(userId, key);
    return 'json' in now ? now.json : null;
  }

  /**
   * notice.get's data as JSON text, from the cache while nothing the account
   * sees has changed: `{num, list}`, plus `{total, offset}` when paged.
   */
  async listJson(userId: number, mode: Mode, limit?: number, offset = 0): Promise<string> {
    const key = `${mode}:${limit ?? ''}:${offset}`;
    const cached = await this.cached(userId, key);
    if (cached !== null) return cached;
    const json = await this.readOnce(userId, key, async () => {
      const read = this.db.read;
      const paged = limit !== undefined || offset !== 0;
      // on PostgreSQL the page and its total are read at the same time, on two connections: one wait for the
      // event loop instead of two, which is what a miss costs beside camera ingest
      const [rows, total] = await Promise.all([this.notices.list(read, userId, mode, limit, offset), paged ? this.notices.count(read, userId, mode) : 0]);
      const list = await this.toPublic(read, rows);
      // read after the page (on PostgreSQL a later snapshot): see Head.top
      const head = offset === 0 ? { mode, limit, paged, ids: rows.map((n) => n.id), top: await this.notices.lastId(read) } : undefined;
      return { json: JSON.stringify(paged ? { num: list.length, list, total, offset } : { num: list.length, list }), head };
    });
    return json!;
  }

  /**
   * One database read for every miss of one list that comes before the read is sent: the read goes out on
   * the next turn of the event loop, so the requests that arrived together (a burst, or the callers of one
   * echo whose list was dropped meanwhile) share it. A read sent after a request arrived sees every commit
   * before it, so this keeps read-your-writes; a request that comes once the read is out waits for a new
   * one. Stored in the cache under the version taken just before the read. Null (nothing to list) is not.
   */
  private readOnce(userId: number, key: string, read: () => Promise<{ json: string; head?: Head } | null>): Promise<string | null> {
    const id = `${userId}:${key}`;
    const pending = this.unsent.get(id);
    if (pending) return pending;
    const shared = new Promise<string | null>((resolve, reject) => {
      setImmediate(() => {
        this.unsent.delete(id);
        const { version } = this.cache.get(userId, key);
        read().then((fresh) => {
          if (fresh) this.cache.set(userId, key, version, fresh.json, fresh.head);
          resolve(fresh?.json ?? null);
        }, reject);
      });
    });
    this.unsent.set(id, shared);
    return shared;
  }

  /**
   * notice.get with `before`: the `limit` notices the account sees that are older than `before` (an
   * event id it sees), as `{num, list}`; null when it sees no such notice. Cached like the others.
   */
  async listBeforeJson(userId: number, mode: Mode, limit: number, before: string): Promise<string | null> {
    const key = `${mode}:${limit}:before:${before}`;
    const cached = await this.cached(userId, key);
    if (cached !== null) return cached;
    return this.readOnce(userId, key, async () => {
      const anchor = await this.notices.visible(this.db.read, userId, before);
      if (!anchor) return null;
      const list = await this.toPublic(this.db.read, await this.notices.listBefore(this.db.read, userId, mode, anchor.id, limit));
      return { json: JSON.stringify({ num: list.length, list }) };
    });
  }

  /** Falls as clients see them, each with its camera's record before it (one statement for them all). */
  async toPublic(q: Q, rows: NoticeRow[]): Promise<PublicNotice[]> {
    const records = await this.notices.records(q, rows);
    return rows.map((n) => this.view.toPublic(n, records.get(n.id)));
  }

  /** Marks a notice read for one account; false if it already was. */
  async markRead(tx: Tx, userId: number, noticeId: number): Promise<boolean> {
    const marked = await this.notices.markRead(tx, userId, noticeId, this.clock.now());
    if (marked) await this.bus.send(tx, { k: 'lists', users: [userId] });
    return marked;
  }

  /** Something changes what these accounts (or everyone) see once tx commits (or now): bindings, device names, an import. */
  async invalidate(tx: Tx | null, userIds: number[] | 'all'): Promise<void> {
    await this.bus.send(tx, { k: 'lists', users: userIds });
  }
}

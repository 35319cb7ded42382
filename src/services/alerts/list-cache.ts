import type { Mode } from '../../db/notices.js';
import type { PublicNotice } from './public-notice.js';

/** What a cached newest page holds besides its JSON: enough to put a new fall in it without a read (ListCache.added). */
export interface Head {
  mode: Mode;
  limit: number | undefined;
  /** Whether the reply carries `total` (and `offset`). */
  paged: boolean;
  /** The notices' ids, in the list's order (newest first). */
  ids: number[];
  /**
   * The highest notice id in the table, read after the page: at least the highest the page's read could
   * see, so a notice above it was not committed when the page was read.
   */
  top: number;
}

/** The longest list without a limit that a new fall is put into in place (ListCache.added). */
const IN_PLACE_MAX = 200;

interface Entry {
  userId: number;
  key: string;
  version: string;
  json: string;
  head?: Head;
}

/**
 * Per-account cache of notice.get replies, dropped whenever what the account sees changes, except for
 * a new fall: that is put into each newest page cached for the accounts that see it (added), so that
 * reads beside camera ingest are not all misses.
 */
export class ListCache {
  private readonly entries = new Map<string, Entry>();
  /** The keys cached for each account. */
  private readonly keys = new Map<number, Set<string>>();
  private readonly generations = new Map<number, number>();
  private epoch = 0;

  private version(userId: number): string {
    return `${this.epoch}.${this.generations.get(userId) ?? 0}`;
  }

  /** The cached reply, or the version to store a fresh one under (taken before it is read, so that a change meanwhile makes it stale). */
  get(userId: number, key: string): { json: string; version: string } | { version: string } {
    const version = this.version(userId);
    const hit = this.entries.get(`${userId}:${key}`);
    return hit && hit.version === version ? hit : { version };
  }

  set(userId: number, key: string, version: string, json: string, head?: Head): void {
    if (this.entries.size >= 20_000) {
      const oldest = this.entries.values().next().value!;
      this.entries.delete(`${oldest.userId}:${oldest.key}`);
      const keys = this.keys.get(oldest.userId);
      keys?.delete(oldest.key);
      if (keys?.size === 0) this.keys.delete(oldest.userId);
    }
    this.entries.set(`${userId}:${key}`, { userId, key, version, json, head });
    let keys = this.keys.get(userId);
    if (!keys) this.keys.set(userId, (keys = new Set()));
    keys.add(key);
  }

  get empty(): boolean {
    return this.entries.size === 0;
  }

  invalidate(userIds: number[] | 'all'): void {
    if (userIds === 'all') this.epoch++;
    else for (const id of userIds) this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
  }

  /**
   * A fall was stored that these accounts see: their cached replies are dropped, except the newest pages
   * that are current. A page read before the fall was committed (its id above the page's `top`) takes it
   * in place, unread: in modes 0 and 2 (a list without a limit only while it is shorter than IN_PLACE_MAX);
   * mode 1 stays as it is. A page whose read may have seen it stays as
   * it is if it lists it (what it shows of the fall is what was committed by then, and any later change
   * drops it when its own wake-up comes), and is dropped otherwise (in mode 0 it may have been opened
   * already). Either way the pages move to the new version.
   */
  added(userIds: number[], noticeId: number, notice: PublicNotice): void {
    for (const userId of userIds) {
      const current = this.version(userId);
      this.generations.set(userId, (this.generations.get(userId) ?? 0) + 1);
      const next = this.version(userId);
      for (const key of this.keys.get(userId) ?? []) {
        const entry = this.entries.get(`${userId}:${key}`);
        const head = entry?.head;
        if (!entry || !head || entry.version !== current) continue;
        if (head.mode === 1) {
          // a new fall is unread: the read list is as it was
          entry.version = next;
          head.top = Math.max(head.top, noticeId);
          continue;
        }
        if (noticeId <= head.top) {
          if (head.ids.includes(noticeId)) entry.version = next;
          continue;
        }
        // a whole history (no limit) past IN_PLACE_MAX is read again when asked for, not rewritten per fall
        if (head.limit === undefined && head.ids.length >= IN_PLACE_MAX) continue;
        entry.version = next;
        head.top = noticeId;
        const data = JSON.parse(entry.json) as { num: number; list: PublicNotice[]; total?: number };
        // newer than anything the page could list: first
        data.list.unshift(notice);
        head.ids.unshift(noticeId);
        if (head.limit !== undefined && data.list.length > head.limit) {
          data.list.pop();
          head.ids.pop();
        }
        data.num = data.list.length;
        if (head.paged) data.total = data.total! + 1;
        entry.json = JSON.stringify(data);
      }
    }
  }
}

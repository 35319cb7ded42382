import type { Database, Tx } from '../../db/engine.js';
import type { Alerts } from './escalation.js';
import type { DeviceRow, DeviceStore } from '../../db/devices.js';
import type { Mode, NoticeRow, NoticeStore } from '../../db/notices.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { type FileStore, decodeBase64, inspectImage, sniffImage, type ImageProblem, type ImageType } from '../media/index.js';
import { type Actor, type AuditLog, type Bus, legacyPicName, randomHex128, sha256Hex } from '../shared/index.js';

/** An account acting on a fall, as the audit trail records it. */
export type Acting = Actor & { user: { id: number; phone: string } };
import type { NoticeHub, PublicNotice, Verdict } from './hub.js';

export type { PublicNotice };

/** Notices read per query when streams catch up. */
const CATCH_UP_BATCH = 200;

/** A staged photo is whole when it hashes to its name: ours (sha256) or HelpAged-Python's (md5 + "helpaged"). */
function wholeUnder(name: string, bytes: Buffer): boolean {
  return sha256Hex(bytes).slice(0, 32) === name || legacyPicName(bytes) === name;
}

/** What the notice path counts (operations' Metrics is one): stored falls, and how long they took to reach streams and SMS. */
export interface NoticeMeter {
  upload(bytes: number, photoOk: boolean): void;
  delivered(path: 'stream' | 'sms', seconds: number): void;
}

/** What a cached newest page holds besides its JSON: enough to put a new fall in it without a read (ListCache.added). */
interface Head {
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
class ListCache {
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

export type UploadResult = { ok: true; picName: string } | { ok: false; problem: ImageProblem | 'storage' };

/**
 * The camera-to-family path. An upload is acknowledged only when the image
 * file is fsynced under its name and the row committed; then every open
 * stream of every bound account gets it, and each bound phone an SMS (one
 * burst per device per cool-down).
 */
export class NoticeService {
  private readonly format: Intl.DateTimeFormat;
  private readonly lists = new ListCache();
  /** List reads not yet sent, by account and list, with the callers waiting on them (readOnce). */
  private readonly unsent = new Map<string, Promise<string | null>>();
  /** The highest notice id sent to this instance's streams, and the highest one some instance announced. */
  private streamed = 0;
  private announced = 0;
  private catching: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly notices: NoticeStore,
    private readonly devices: DeviceStore,
    private readonly files: FileStore,
    private readonly hub: NoticeHub,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly alerts: Alerts,
    private readonly metrics: NoticeMeter,
    private readonly bus: Bus,
    private readonly audit: AuditLog,
  ) {
    bus.on((wake) => {
      if (wake.k === 'lists') this.lists.invalidate(wake.users);
      else if (wake.k === 'notices') return wake.upTo > 0 ? this.catchUp(wake.upTo) : this.notices.lastId(this.db.read).then((last) => this.catchUp(last));
      else if (wake.k === 'ack') return this.tellAcknowledged(wake.notice);
      else if (wake.k === 'verdict') return this.tellVerdict(wake.notice);
    });
    bus.onResync(async () => {
      this.lists.invalidate('all');
      await this.catchUp(await this.notices.lastId(this.db.read));
    });
    this.format = new Intl.DateTimeFormat('sv-SE', {
      timeZone: config.noticeTimezone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
    });
  }

  /** Streams are sent notices stored from now on. */
  async start(): Promise<void> {
    this.streamed = await this.notices.lastId(this.db.read);
  }

  /** `YYYY-MM-DD HH:MM:SS` in NOTICE_TIMEZONE, as the legacy server wrote it. */
  createtime(ms: number): string {
    return this.format.format(ms);
  }

  /**
   * The cached reply, if it is still what the database would answer: a hit is only served once this
   * instance has handled every wake-up committed before the request (Bus.caughtUp), so a fall stored,
   * a mark or a verdict given through another instance just before is in it. Null on a miss, or when
   * that cannot be shown (wake-ups may be missed, the echo is late): the caller reads the database.
   */
  private async cached(userId: number, key: string): Promise<string | null> {
    const first = this.lists.get(userId, key);
    if (!('json' in first)) return null;
    if (!await this.bus.caughtUp()) return null;
    const now = this.lists.get(userId, key);
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
      const list = rows.map((n) => this.toPublic(n));
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
        const { version } = this.lists.get(userId, key);
        read().then((fresh) => {
          if (fresh) this.lists.set(userId, key, version, fresh.json, fresh.head);
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
      const list = (await this.notices.listBefore(this.db.read, userId, mode, anchor.id, limit)).map((n) => this.toPublic(n));
      return { json: JSON.stringify({ num: list.length, list }) };
    });
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

  toPublic(row: Pick<NoticeRow, 'eventId' | 'content' | 'device' | 'picName' | 'createdAt' | 'ackAt' | 'ackPhone' | 'photoOk' | 'verdict' | 'verdictNote' | 'verdictPhone' | 'verdictAt' | 'photoRemovedAt'>): PublicNotice {
    return {
      event_id: row.eventId, content: row.content, device: row.device, pic_name: row.picName, createtime: this.createtime(row.createdAt),
      acknowledged: row.ackAt === null ? null : { phone: row.ackPhone!, at: this.createtime(row.ackAt) },
      photo_ok: row.photoOk === 1,
      verdict: row.verdict === null ? null : { verdict: row.verdict as Verdict['verdict'], note: row.verdictNote, phone: row.verdictPhone!, at: this.createtime(row.verdictAt!) },
      photo: row.photoRemovedAt === null ? `/app/photo/${row.eventId}` : null,
    };
  }

  /**
   * A bound account says whether the fall was real (and can change its mind: the last word counts). It
   * acknowledges the fall as opening it does; every bound account's lists and streams are told.
   */
  async setVerdict(who: Acting, notice: NoticeRow & { read: boolean }, verdict: Verdict['verdict'], note: string | null, log: Logger = this.log): Promise<Verdict> {
    const now = this.clock.now();
    const { user } = who;
    await this.db.transaction(async (tx) => {
      await this.notices.setVerdict(tx, notice.id, verdict, note, user.phone, now);
      if (!notice.read) await this.markRead(tx, user.id, notice.id);
      await this.bus.send(tx, { k: 'verdict', notice: notice.id });
      await this.audit.record(tx, who, 'notice.verdict', { deviceId: notice.deviceToken, label: notice.eventId }, { verdict, ...(note ? { note } : {}) });
    });
    log.info('fall verdict', { event_id: notice.eventId, verdict, phone: user.phone });
    await this.acknowledge(who, notice, log);
    return { verdict, note, phone: user.phone, at: this.createtime(now) };
  }

  /** A verdict was given (here or on another instance): its accounts' lists are dropped and their streams told. */
  private async tellVerdict(noticeId: number): Promise<void> {
    const notice = await this.notices.byId(this.db.read, noticeId);
    if (!notice || notice.verdict === null) return;
    const ids = (await this.devices.boundUsers(this.db.read, notice.deviceRowId)).map((u) => u.id);
    this.lists.invalidate(ids);
    this.hub.publish(ids, { type: 'verdict', data: { event_id: notice.eventId, verdict: this.toPublic(notice).verdict! } });
  }

  /** A bound account opened the notice (notice.info, a notification's Acknowledge): read for it, and acknowledged. */
  async open(who: Acting, notice: NoticeRow & { read: boolean }, log: Logger = this.log): Promise<PublicNotice['acknowledged']> {
    if (!notice.read) await this.db.transaction((tx) => this.markRead(tx, who.user.id, notice.id));
    return this.acknowledge(who, notice, log);
  }

  /**
   * A bound account opened or signed the notice. The first one acknowledges it: what has not been sent
   * of its escalation is dropped, and every bound account's streams are told.
   */
  async acknowledge(who: Acting, notice: NoticeRow, log: Logger = this.log): Promise<PublicNotice['acknowledged']> {
    if (notice.ackAt !== null) return this.toPublic(notice).acknowledged;
    const now = this.clock.now();
    const { user } = who;
    const acked = await this.db.transaction(async (tx) => {
      if (!(await this.notices.acknowledge(tx, notice.id, user.phone, now))) return false;
      await this.alerts.cancel(tx, notice.id, now);
      await this.bus.send(tx, { k: 'ack', notice: notice.id });
      await this.audit.record(tx, who, 'notice.ack', { deviceId: notice.deviceToken, label: notice.eventId });
      return true;
    });
    if (!acked) {
      const first = await this.notices.acknowledgement(this.db.read, notice.id);
      return first && { phone: first.phone, at: this.createtime(first.at) };
    }
    log.info('fall acknowledged', { event_id: notice.eventId, phone: user.phone });
    return { phone: user.phone, at: this.createtime(now) };
  }

  /** A notice was acknowledged (here or on another instance): its accounts' lists are dropped and their streams told. */
  private async tellAcknowledged(noticeId: number): Promise<void> {
    const notice = await this.notices.byId(this.db.read, noticeId);
    if (!notice || notice.ackAt === null) return;
    const ids = (await this.devices.boundUsers(this.db.read, notice.deviceRowId)).map((u) => u.id);
    this.lists.invalidate(ids);
    this.hub.publish(ids, { type: 'acknowledged', data: { event_id: notice.eventId, acknowledged: this.toPublic(notice).acknowledged! } });
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
        if (this.hub.idle && this.lists.empty) {
          // nobody here to tell and nothing cached (an instance without clients, or whose clients are all
          // elsewhere): no rows to read; a list being read meanwhile is not cached under the old version
          this.lists.invalidate('all');
          this.streamed = target;
          break;
        }
        const rows = await this.notices.stored(this.db.read, this.streamed, target, CATCH_UP_BATCH);
        const bound = new Map<number, number[]>();
        for (const row of rows) {
          let ids = bound.get(row.deviceRowId);
          if (!ids) bound.set(row.deviceRowId, (ids = (await this.devices.boundUsers(this.db.read, row.deviceRowId)).map((u) => u.id)));
          const notice = this.toPublic(row);
          this.lists.added(ids, row.id, notice);
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

  /**
   * `log`: the request's logger, so that what is logged carries its id. `count`: runs inside the
   * transaction that stores the notice (the upload limit's count, committed with it).
   */
  async upload(device: DeviceRow, base64: string, content: string, log: Logger = this.log, count?: (tx: Tx) => Promise<void>): Promise<UploadResult> {
    const limits = { maxBytes: this.config.imageMaxBytes, maxPixels: this.config.imageMaxPixels, decode: this.config.imageCheck === 'decode' };
    const bytes = decodeBase64(base64, limits.maxBytes);
    if (typeof bytes === 'string') return { ok: false, problem: bytes };
    // A fall is never lost for its photo: what has an image signature is stored as sent even when its
    // structure does not check out (a cut connection, a missing EOI), marked photo_ok false.
    const image = await inspectImage(bytes, limits);
    const claimed = image === 'not_an_image' ? sniffImage(bytes) : null;
    if (typeof image === 'string' && !claimed) return { ok: false, problem: image };
    const imageType: ImageType = typeof image === 'string' ? claimed! : image.type;
    const photoOk = typeof image === 'string' ? 0 : 1;

    const picName = sha256Hex(bytes).slice(0, 32);
    let staged: string;
    try {
      staged = await this.files.stage(picName, bytes);
    } catch (err) {
      log.error('notice image not written', { device: device.deviceId, picName, err });
      return { ok: false, problem: 'storage' };
    }
    const now = this.clock.now();
    const eventId = randomHex128();
    let id: number;
    let durable: Promise<void>;
    try {
      // the WAL's fsync runs off the event loop; the file is placed only once the row is on disk, so that a
      // power cut never leaves a placed file without its row
      ({ value: id, durable } = await this.db.transactionThenSync(async (tx) => {
        // the other instances hear of it with the commit (with a bucket the photo is stored by then); told
        // first, before notice inserts take their turn, so that the turn is short
        await this.bus.tell(tx, { k: 'notices', upTo: 0 });
        await count?.(tx);
        const noticeId = await this.notices.insert(tx, { eventId, deviceId: device.id, content, picName, imageType, createdAt: now, photoOk });
        await this.alerts.schedule(tx, noticeId, device, now);
        return noticeId;
      }));
    } catch (err) {
      await this.files.discard(staged);
      throw err;
    }
    try {
      await durable;
      await this.files.place(staged, picName);
    } catch (err) {
      log.error('notice not stored: row withdrawn', { device: device.deviceId, picName, err });
      await this.db.transaction(async (tx) => {
        await this.notices.remove(tx, id);
        await this.bus.send(tx, { k: 'lists', users: 'all' });
      });
      await this.files.discard(staged);
      return { ok: false, problem: 'storage' };
    }
    this.metrics.upload(bytes.length, photoOk === 1);
    const notice = this.toPublic({ eventId, content, device: device.name, picName, createdAt: now, ackAt: null, ackPhone: null, photoOk, verdict: null, verdictNote: null, verdictPhone: null, verdictAt: null, photoRemovedAt: null });
    await this.announce(log, device, id, notice);
    if (device.lastSeenAt !== null) await this.alerts.heardFrom(device, false);
    return { ok: true, picName };
  }

  /** Stores a photo under its name durably (staged, fsynced, placed): the importer's path, before its row. */
  async storeFile(picName: string, bytes: Buffer): Promise<void> {
    await this.files.place(await this.files.stage(picName, bytes), picName);
  }

  image(picName: string): Promise<Buffer> {
    return this.files.read(picName);
  }

  /**
   * After a crash: finish what was committed, drop what was not. A staged
   * file is whole exactly when its bytes hash to its name; a half-written
   * one (a crash while the same picture was being stored again) is dropped.
   */
  async recover(): Promise<{ placed: number; dropped: number }> {
    let placed = 0;
    let dropped = 0;
    for (const { name, staged } of await this.files.leftovers()) {
      if (await this.notices.referenced(this.db.read, name) && wholeUnder(name, await this.files.readStaged(staged))) {
        await this.files.place(staged, name);
        placed++;
      } else {
        await this.files.discard(staged);
        dropped++;
      }
    }
    return { placed, dropped };
  }

  /**
   * Removes photos no notice names that were stored before `before` (in a bucket: a PUT whose row never
   * committed). Younger ones may belong to an upload between its PUT and its commit.
   */
  async sweepOrphans(before: number): Promise<number> {
    let removed = 0;
    for await (const name of this.files.storedBefore(before)) {
      if (await this.notices.referenced(this.db.read, name)) continue;
      await this.files.remove(name);
      removed++;
    }
    return removed;
  }

  /**
   * The notice is stored and its photo placed: this instance's streams get it (the others were woken by
   * its commit), and the bound phones an SMS.
   */
  private async announce(log: Logger, device: DeviceRow, noticeId: number, notice: PublicNotice): Promise<void> {
    const storedAt = performance.now();
    const users = await this.devices.boundUsers(this.db.read, device.id);
    const ids = users.map((u) => u.id);
    // before the camera is answered: a list asked for right after shows the fall
    this.lists.added(ids, noticeId, notice);
    if (!this.catching && this.streamed === noticeId - 1 && this.announced <= noticeId) {
      // the next one in line: streamed as it is, without reading it back
      this.streamed = this.announced = noticeId;
      this.hub.publish(ids, { type: 'notice', seq: noticeId, data: notice });
    } else {
      void this.catchUp(noticeId).catch((err) => log.error('streams not caught up', { err }));
    }
    this.metrics.delivered('stream', (performance.now() - storedAt) / 1000);
    if (users.length === 0) return;
    const fall = { noticeId, eventId: notice.event_id, device: notice.device, createtime: notice.createtime };
    const now = this.clock.now();
    const cooldown = this.config.alertSmsCooldownSeconds * 1000;
    // the row read with the request can only be older than the table: inside its cool-down, so is the table
    if (device.lastAlertAt !== null && device.lastAlertAt > now - cooldown) return;
    if (!(await this.db.transaction((tx) => this.devices.claimAlertSlot(tx, device.id, now, cooldown)))) return;
    // after the streams have been written (the hub writes on the next turn too, and was asked first): a
    // burst to 1,000 phones starts with a millisecond or more of work that would hold the streams back
    setImmediate(() => void this.alerts.announce(fall, users, log).then(() => this.metrics.delivered('sms', (performance.now() - storedAt) / 1000)));
  }
}

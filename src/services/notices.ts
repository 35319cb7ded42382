import type { Database, Tx } from '../db/engine.js';
import type { Alerts } from './alerts.js';
import type { Metrics } from './metrics.js';
import type { DeviceRow, DeviceStore } from '../db/devices.js';
import type { Mode, NoticeRow, NoticeStore } from '../db/notices.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { DurableDir } from './files.js';
import type { NoticeHub, StreamEvent } from './hub.js';
import { decodeBase64, inspectImage, sniffImage, type ImageProblem, type ImageType } from './images.js';
import { legacyPicName, randomHex128, sha256Hex } from './random.js';

/** A staged photo is whole when it hashes to its name: ours (sha256) or HelpAged-Python's (md5 + "helpaged"). */
function wholeUnder(name: string, bytes: Buffer): boolean {
  return sha256Hex(bytes).slice(0, 32) === name || legacyPicName(bytes) === name;
}

/** A notice as clients see it in lists, in streams and (plus base64) in notice.info. */
export interface PublicNotice {
  event_id: string;
  content: string;
  device: string;
  pic_name: string;
  createtime: string;
  /** The first bound account to open or sign it, or null. */
  acknowledged: { phone: string; at: string } | null;
  /** false when the photo was stored as sent but is incomplete or does not check out. */
  photo_ok: boolean;
}

/** Per-account cache of notice.get replies, dropped whenever what the account sees changes. */
class ListCache {
  private readonly entries = new Map<string, { version: string; json: string }>();
  private readonly generations = new Map<number, number>();
  private epoch = 0;

  private version(userId: number): string {
    return `${this.epoch}.${this.generations.get(userId) ?? 0}`;
  }

  /** The cached reply, or the version to store a fresh one under (taken before it is read, so that a change meanwhile makes it stale). */
  get(userId: number, key: string): { json: string } | { version: string } {
    const version = this.version(userId);
    const hit = this.entries.get(`${userId}:${key}`);
    return hit && hit.version === version ? { json: hit.json } : { version };
  }

  set(userId: number, key: string, version: string, json: string): void {
    if (this.entries.size >= 20_000) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(`${userId}:${key}`, { version, json });
  }

  invalidate(userIds: number[] | 'all'): void {
    if (userIds === 'all') this.epoch++;
    else for (const id of userIds) this.generations.set(id, (this.generations.get(id) ?? 0) + 1);
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

  constructor(
    private readonly db: Database,
    private readonly notices: NoticeStore,
    private readonly devices: DeviceStore,
    private readonly files: DurableDir,
    private readonly hub: NoticeHub,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly alerts: Alerts,
    private readonly metrics: Metrics,
  ) {
    this.format = new Intl.DateTimeFormat('sv-SE', {
      timeZone: config.noticeTimezone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
    });
  }

  /** `YYYY-MM-DD HH:MM:SS` in NOTICE_TIMEZONE, as the legacy server wrote it. */
  createtime(ms: number): string {
    return this.format.format(ms);
  }

  /**
   * notice.get's data as JSON text, from the cache while nothing the account
   * sees has changed: `{num, list}`, plus `{total, offset}` when paged.
   */
  async listJson(userId: number, mode: Mode, limit?: number, offset = 0): Promise<string> {
    const key = `${mode}:${limit ?? ''}:${offset}`;
    const cached = this.lists.get(userId, key);
    if ('json' in cached) return cached.json;
    const read = this.db.read;
    const list = (await this.notices.list(read, userId, mode, limit, offset)).map((n) => this.toPublic(n));
    const paged = limit !== undefined || offset !== 0;
    const json = JSON.stringify(paged ? { num: list.length, list, total: await this.notices.count(read, userId, mode), offset } : { num: list.length, list });
    this.lists.set(userId, key, cached.version, json);
    return json;
  }

  /** Marks a notice read for one account; false if it already was. */
  async markRead(tx: Tx, userId: number, noticeId: number): Promise<boolean> {
    const marked = await this.notices.markRead(tx, userId, noticeId, this.clock.now());
    if (marked) tx.after(() => this.lists.invalidate([userId]));
    return marked;
  }

  /** Something changed what these accounts (or everyone) see: bindings, device names. */
  invalidate(userIds: number[] | 'all'): void {
    this.lists.invalidate(userIds);
  }

  toPublic(row: NoticeRow): PublicNotice {
    return {
      event_id: row.eventId, content: row.content, device: row.device, pic_name: row.picName, createtime: this.createtime(row.createdAt),
      acknowledged: row.ackAt === null ? null : { phone: row.ackPhone!, at: this.createtime(row.ackAt) },
      photo_ok: row.photoOk === 1,
    };
  }

  /**
   * A bound account opened or signed the notice. The first one acknowledges it: what has not been sent
   * of its escalation is dropped, and every bound account's streams are told.
   */
  async acknowledge(user: { phone: string }, notice: NoticeRow, log: Logger = this.log): Promise<PublicNotice['acknowledged']> {
    if (notice.ackAt !== null) return this.toPublic(notice).acknowledged;
    const now = this.clock.now();
    const acked = await this.db.transaction(async (tx) => {
      if (!(await this.notices.acknowledge(tx, notice.id, user.phone, now))) return false;
      await this.alerts.cancel(tx, notice.id, now);
      return true;
    });
    if (!acked) {
      const first = await this.notices.acknowledgement(this.db.read, notice.id);
      return first && { phone: first.phone, at: this.createtime(first.at) };
    }
    const acknowledged = { phone: user.phone, at: this.createtime(now) };
    const ids = (await this.devices.boundUsers(this.db.read, notice.deviceRowId)).map((u) => u.id);
    this.lists.invalidate(ids);
    this.hub.publish(ids, { type: 'acknowledged', data: { event_id: notice.eventId, acknowledged } });
    log.info('fall acknowledged', { event_id: notice.eventId, phone: user.phone });
    return acknowledged;
  }

  /** `log`: the request's logger, so that what is logged carries its id. */
  async upload(device: DeviceRow, base64: string, content: string, log: Logger = this.log): Promise<UploadResult> {
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
        tx.after(() => this.lists.invalidate('all'));
      });
      await this.files.discard(staged);
      return { ok: false, problem: 'storage' };
    }
    this.metrics.upload(bytes.length, photoOk === 1);
    await this.announce(log, device, id, {
      type: 'notice', seq: id,
      data: { event_id: eventId, content, device: device.name, pic_name: picName, createtime: this.createtime(now), acknowledged: null, photo_ok: photoOk === 1 },
    });
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

  private async announce(log: Logger, device: DeviceRow, noticeId: number, event: StreamEvent & { type: 'notice' }): Promise<void> {
    const storedAt = performance.now();
    const users = await this.devices.boundUsers(this.db.read, device.id);
    const ids = users.map((u) => u.id);
    this.lists.invalidate(ids);
    this.hub.publish(ids, event);
    this.metrics.delivered('stream', (performance.now() - storedAt) / 1000);
    if (users.length === 0) return;
    const now = this.clock.now();
    const cooldown = this.config.alertSmsCooldownSeconds * 1000;
    if (!(await this.db.transaction((tx) => this.devices.claimAlertSlot(tx, device.id, now, cooldown)))) return;
    const fall = { noticeId, eventId: event.data.event_id, device: device.name, createtime: event.data.createtime };
    void this.alerts.deliver(fall, 'alert', users.map((u) => u.phone), 0, log).then(() => this.metrics.delivered('sms', (performance.now() - storedAt) / 1000));
  }
}

import type { Database, Tx } from '../../db/engine.js';
import type { Alerts } from './escalation.js';
import { pauseOf, type DeviceRow, type DeviceStore } from '../../db/devices.js';
import type { NoticeRow, NoticeStore } from '../../db/notices.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { type FileStore, decodeBase64, inspectImage, sniffImage, type ImageProblem, type ImageType } from '../media/index.js';
import { type Actor, type AuditLog, type Bus, maskPhone, randomHex128, sha256Hex } from '../shared/index.js';
import type { NoticeFanout } from './fanout.js';
import type { Liveness } from './liveness.js';
import type { NoticeLists } from './lists.js';
import type { Acknowledgement, Channel, PublicNotice, Verdict } from './public-notice.js';
import type { NoticeView } from './view.js';

/** An account acting on a fall, as the audit trail records it, and how it came (console, app). */
export type Acting = Actor & { user: { id: number; phone: string }; via: Channel };
/** Who acknowledges and how: an account, or the camera's last-resort number (audited with no account). */
export type Acknowledger = Acting | (Actor & { user: null; via: Channel; lastResort: string });
/** What the notice path counts (operations' Metrics is one): stored falls, and how long they took to reach streams and SMS. */
export interface NoticeMeter {
  upload(bytes: number, photoOk: boolean): void;
  delivered(path: 'stream' | 'sms', seconds: number): void;
}

export type UploadResult = { ok: true; picName: string } | { ok: false; problem: ImageProblem | 'storage' };

/**
 * The camera-to-family path. An upload is acknowledged only when the image
 * file is fsynced under its name and the row committed; then every open
 * stream of every bound account gets it, and each bound phone an SMS (one
 * burst per device per cool-down).
 */
export class NoticeIngest {
  constructor(
    private readonly db: Database,
    private readonly stores: { notices: NoticeStore; devices: DeviceStore; files: FileStore },
    /** The flows a stored or acknowledged fall goes on to. */
    private readonly flows: { fanout: NoticeFanout; lists: NoticeLists; view: NoticeView },
    /** What a fall sets going and what records it: its escalation, the audit trail, the meters, the other instances. */
    private readonly chain: { alerts: Alerts; liveness: Liveness; audit: AuditLog; metrics: NoticeMeter; bus: Bus },
    private readonly base: { clock: Clock; config: Config; log: Logger },
  ) {}

  /**
   * A bound account says whether the fall was real (and can change its mind: the last word counts). It
   * acknowledges the fall as opening it does; every bound account's lists and streams are told.
   */
  async setVerdict(who: Acting, notice: NoticeRow & { read: boolean }, verdict: Verdict['verdict'], note: string | null, log: Logger = this.base.log): Promise<Verdict> {
    const now = this.base.clock.now();
    const { user } = who;
    await this.db.transaction(async (tx) => {
      await this.stores.notices.setVerdict(tx, notice.id, verdict, note, user.phone, now);
      if (!notice.read) await this.flows.lists.markRead(tx, user.id, notice.id);
      await this.chain.bus.send(tx, { k: 'verdict', notice: notice.id });
      await this.chain.audit.record(tx, who, 'notice.verdict', { deviceId: notice.deviceToken, label: notice.eventId }, { verdict, ...(note ? { note } : {}) });
    });
    log.info('fall verdict', { event_id: notice.eventId, verdict, phone: user.phone });
    await this.acknowledge(who, notice, log);
    return { verdict, note, phone: user.phone, at: this.flows.view.createtime(now) };
  }

  /** A bound account opened the notice (notice.info, a notification's Acknowledge): read for it, and acknowledged. */
  async open(who: Acting, notice: NoticeRow & { read: boolean }, log: Logger = this.base.log): Promise<Acknowledgement | null> {
    if (!notice.read) await this.db.transaction((tx) => this.flows.lists.markRead(tx, who.user.id, notice.id));
    return this.acknowledge(who, notice, log);
  }

  /**
   * A bound account opened or signed the notice. The first one acknowledges it: what has not been sent
   * of its escalation is dropped, and every bound account's streams are told.
   */
  async acknowledge(who: Acknowledger, notice: NoticeRow, log: Logger = this.base.log): Promise<Acknowledgement | null> {
    if (notice.ackAt !== null) return this.flows.view.acknowledgement(notice);
    const now = this.base.clock.now();
    const how = who.user ? { phone: who.user.phone, channel: who.via, by: null } : { phone: who.lastResort, channel: who.via, by: 'last_resort' };
    const acked = await this.db.transaction(async (tx) => {
      if (!(await this.stores.notices.acknowledge(tx, notice.id, how, now))) return false;
      await this.chain.alerts.cancel(tx, notice.id, now);
      await this.chain.bus.send(tx, { k: 'ack', notice: notice.id });
      await this.chain.audit.record(tx, who, 'notice.ack', { deviceId: notice.deviceToken, label: notice.eventId },
        { channel: who.via, ...(who.user ? {} : { last_resort: maskPhone(how.phone) }) });
      return true;
    });
    if (!acked) {
      const first = await this.stores.notices.byId(this.db.read, notice.id);
      return first ? this.flows.view.acknowledgement(first) : null;
    }
    log.info('fall acknowledged', { event_id: notice.eventId, phone: how.phone, channel: how.channel, ...(how.by ? { by: how.by } : {}) });
    return this.flows.view.acknowledgement({ ackAt: now, ackPhone: how.phone, ackChannel: how.channel, ackBy: how.by });
  }

  /**
   * `log`: the request's logger, so that what is logged carries its id. `count`: runs inside the
   * transaction that stores the notice (the upload limit's count, committed with it).
   */
  async upload(device: DeviceRow, base64: string, content: string, log: Logger = this.base.log, count?: (tx: Tx) => Promise<void>): Promise<UploadResult> {
    const limits = { maxBytes: this.base.config.imageMaxBytes, maxPixels: this.base.config.imageMaxPixels, decode: this.base.config.imageCheck === 'decode' };
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
      staged = await this.stores.files.stage(picName, bytes);
    } catch (err) {
      log.error('notice image not written', { device: device.deviceId, picName, err });
      return { ok: false, problem: 'storage' };
    }
    const now = this.base.clock.now();
    const eventId = randomHex128();
    let id: number;
    let durable: Promise<void>;
    /** The resident is asked first: the family's SMS waits for the answer. */
    let asking = false;
    /** The camera has a rota: the accounts on call now, whom the first SMS and push go to. */
    let onCall: { id: number; phone: string }[] | null = null;
    // a paused camera's falls are stored and streamed, and phone nobody (device.pause)
    const paused = pauseOf(device, now);
    try {
      // the WAL's fsync runs off the event loop; the file is placed only once the row is on disk, so that a
      // power cut never leaves a placed file without its row
      ({ value: id, durable } = await this.db.transactionThenSync(async (tx) => {
        // the other instances hear of it with the commit (with a bucket the photo is stored by then); told
        // first, before notice inserts take their turn, so that the turn is short
        await this.chain.bus.tell(tx, { k: 'notices', upTo: 0 });
        await count?.(tx);
        const noticeId = await this.stores.notices.insert(tx, { eventId, deviceId: device.id, content, picName, imageType, createdAt: now, photoOk, paused });
        if (!paused) ({ asking, onCall } = await this.chain.alerts.schedule(tx, noticeId, device, now));
        return noticeId;
      }));
    } catch (err) {
      await this.stores.files.discard(staged);
      throw err;
    }
    try {
      await durable;
      await this.stores.files.place(staged, picName);
    } catch (err) {
      log.error('notice not stored: row withdrawn', { device: device.deviceId, picName, err });
      await this.db.transaction(async (tx) => {
        await this.stores.notices.remove(tx, id);
        await this.chain.bus.send(tx, { k: 'lists', users: 'all' });
      });
      await this.stores.files.discard(staged);
      return { ok: false, problem: 'storage' };
    }
    this.chain.metrics.upload(bytes.length, photoOk === 1);
    const record = (await this.stores.notices.records(this.db.read, [{ id, deviceRowId: device.id, createdAt: now }])).get(id);
    const notice = this.flows.view.toPublic({
      eventId, content, device: device.name, picName, createdAt: now, ackAt: null, ackPhone: null, ackChannel: null, ackBy: null, photoOk,
      verdict: null, verdictNote: null, verdictPhone: null, verdictAt: null, photoRemovedAt: null, residentAnswer: asking ? 'calling' : null, residentAt: asking ? now : null,
      pausedBy: paused?.by ?? null, pausedUntil: paused?.until ?? null, pausedReason: paused?.reason ?? null,
    }, record);
    await this.announce(log, device, id, notice, asking ? 'asking' : paused ? 'paused' : onCall ?? 'now');
    if (device.lastSeenAt !== null) await this.chain.liveness.heardFrom(device, false);
    return { ok: true, picName };
  }

  /** Stores a photo under its name durably (staged, fsynced, placed): the importer's path, before its row. */
  async storeFile(picName: string, bytes: Buffer): Promise<void> {
    await this.stores.files.place(await this.stores.files.stage(picName, bytes), picName);
  }

  image(picName: string): Promise<Buffer> {
    return this.stores.files.read(picName);
  }

  /**
   * The notice is stored and its photo placed: this instance's streams get it (the others were woken by
   * its commit), and the bound phones (or those on call) an SMS.
   */
  private async announce(log: Logger, device: DeviceRow, noticeId: number, notice: PublicNotice, phones: 'now' | 'asking' | 'paused' | { id: number; phone: string }[]): Promise<void> {
    const storedAt = performance.now();
    const users = await this.stores.devices.boundUsers(this.db.read, device.id);
    const ids = users.map((u) => u.id);
    this.flows.fanout.stored(ids, noticeId, notice, log);
    this.chain.metrics.delivered('stream', (performance.now() - storedAt) / 1000);
    if (users.length === 0) return;
    if (phones === 'paused') return void log.info('fall while paused: nobody phoned', { event_id: notice.event_id, device: device.deviceId, paused_until: notice.paused!.until });
    const fall = { noticeId, eventId: notice.event_id, device: notice.device, createtime: notice.createtime };
    // the resident is being called: the browsers are told at once, the SMS is a step that waits for the answer
    if (phones === 'asking') {
      void this.chain.alerts.tick(); // the resident's call now, not at the timer's next second
      return void this.chain.alerts.pushOnly(fall, users, log);
    }
    const now = this.base.clock.now();
    const cooldown = this.base.config.alertSmsCooldownSeconds * 1000;
    // the row read with the request can only be older than the table: inside its cool-down, so is the table
    if (device.lastAlertAt !== null && device.lastAlertAt > now - cooldown) return;
    if (!(await this.db.transaction((tx) => this.stores.devices.claimAlertSlot(tx, device.id, now, cooldown)))) return;
    // after the streams have been written (the hub writes on the next turn too, and was asked first): a
    // burst to 1,000 phones starts with a millisecond or more of work that would hold the streams back.
    // With a rota, to the person on call (the next level is a step)
    const first = Array.isArray(phones) ? phones : users;
    setImmediate(() => void this.chain.alerts.announce(fall, first, log).then(() => this.chain.metrics.delivered('sms', (performance.now() - storedAt) / 1000)));
  }
}

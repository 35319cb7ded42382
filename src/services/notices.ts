import { atomically, type Db } from '../db/client.js';
import type { DeviceRow, DeviceStore } from '../db/devices.js';
import type { NoticeRow, NoticeStore } from '../db/notices.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { DurableDir } from './files.js';
import type { NoticeHub } from './hub.js';
import { decodeBase64, inspectImage, type ImageProblem } from './images.js';
import { randomHex128, sha256Hex } from './random.js';
import type { SmsGateway } from './sms/gateway.js';

/** A notice as clients see it in lists, in streams and (plus base64) in notice.info. */
export interface PublicNotice {
  event_id: string;
  content: string;
  device: string;
  pic_name: string;
  createtime: string;
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

  constructor(
    private readonly db: Db,
    private readonly notices: NoticeStore,
    private readonly devices: DeviceStore,
    private readonly files: DurableDir,
    private readonly hub: NoticeHub,
    private readonly gateway: SmsGateway,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly log: Logger,
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

  toPublic(row: NoticeRow): PublicNotice {
    return { event_id: row.eventId, content: row.content, device: row.device, pic_name: row.picName, createtime: this.createtime(row.createdAt) };
  }

  async upload(device: DeviceRow, base64: string, content: string): Promise<UploadResult> {
    const limits = { maxBytes: this.config.imageMaxBytes, maxPixels: this.config.imageMaxPixels };
    const bytes = decodeBase64(base64, limits.maxBytes);
    if (typeof bytes === 'string') return { ok: false, problem: bytes };
    const image = await inspectImage(bytes, limits);
    if (typeof image === 'string') return { ok: false, problem: image };

    const picName = sha256Hex(bytes).slice(0, 32);
    let staged: string;
    try {
      staged = await this.files.stage(picName, bytes);
    } catch (err) {
      this.log.error('notice image not written', { device: device.deviceId, picName, err });
      return { ok: false, problem: 'storage' };
    }
    const now = this.clock.now();
    const eventId = randomHex128();
    let id: number;
    try {
      id = atomically(this.db, () => this.notices.insert({ eventId, deviceId: device.id, content, picName, imageType: image.type, createdAt: now }));
    } catch (err) {
      await this.files.discard(staged);
      throw err;
    }
    try {
      await this.files.place(staged, picName);
    } catch (err) {
      this.log.error('notice image not placed: row withdrawn', { device: device.deviceId, picName, err });
      this.db.$client.prepare('DELETE FROM notices WHERE id = ?').run(id);
      await this.files.discard(staged);
      return { ok: false, problem: 'storage' };
    }
    this.announce(device, { seq: id, event_id: eventId, content, device: device.name, pic_name: picName, createtime: this.createtime(now) });
    return { ok: true, picName };
  }

  image(picName: string): Promise<Buffer> {
    return this.files.read(picName);
  }

  /** After a crash: finish what was committed, drop what was not. */
  async recover(): Promise<{ placed: number; dropped: number }> {
    let placed = 0;
    let dropped = 0;
    for (const { name, staged } of await this.files.leftovers()) {
      if (this.notices.referenced(name)) {
        await this.files.place(staged, name);
        placed++;
      } else {
        await this.files.discard(staged);
        dropped++;
      }
    }
    return { placed, dropped };
  }

  private announce(device: DeviceRow, event: Parameters<NoticeHub['publish']>[1]): void {
    const users = this.devices.boundUsers(device.id);
    this.hub.publish(users.map((u) => u.id), event);
    if (users.length === 0) return;
    if (!this.devices.claimAlertSlot(device.id, this.clock.now(), this.config.alertSmsCooldownSeconds * 1000)) return;
    for (const user of users) {
      this.gateway.send({ kind: 'alert', phone: user.phone, device: device.name, eventId: event.event_id, createtime: event.createtime })
        .then((r) => {
          if (!r.ok) this.log.warn('fall alert SMS not sent', { phone: user.phone, device: device.deviceId, detail: r.detail });
        })
        .catch((err) => this.log.error('fall alert SMS failed', { phone: user.phone, device: device.deviceId, err }));
    }
  }
}

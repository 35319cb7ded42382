import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import yazl from 'yazl';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { DeviceStore } from '../../db/devices.js';
import type { Database, Tx } from '../../db/engine.js';
import type { ExportRow, ExportStore } from '../../db/exports.js';
import type { NoticeStore } from '../../db/notices.js';
import type { UserStore } from '../../db/users.js';
import type { Logger } from '../../log.js';
import type { TokenService } from '../accounts/index.js';
import type { NoticeIngest, NoticeView } from '../alerts/index.js';
import type { FileStore } from '../media/index.js';
import { type AuditLog, randomHex128, safeEqual, sha256Hex } from '../shared/index.js';

const HOUR = 3600_000;
/** One export at a time per account, and at most this many a day. */
export const EXPORTS_PER_DAY = 3;
/** A build whose instance has said nothing for this long is taken over by another. */
const STALE_MS = 10 * 60_000;
/** A finished export nobody downloaded is removed after this long. */
const KEEP_READY_MS = 24 * HOUR;

const README = `HelpAged: your data
====================

This archive holds what the HelpAged service kept about your account when you asked for it.

  profile.json     your account: phone, name, nickname, email, role, when it was made
  sessions.json    the devices signed in to your account
  cameras.json     the cameras bound to your account, with their alert settings
  notices.json     every fall those cameras reported, newest first: when, which camera, who saw it first,
                   the verdict (a real fall or not) and the name of its photo under photos/ (null when the
                   photo was removed after the retention period)
  photos/          the photos themselves, named by the fall's event id
  read_marks.json  which falls you opened, and when
  verdicts.json    the verdicts you gave
  health.json      the health samples your devices uploaded (ts in seconds)
  audit.json       the audit trail's entries about your account: what you did, and what was done to it

Times are written as the service writes them (YYYY-MM-DD HH:MM:SS, in the zone named in profile.json).
`;

export type ExportStatus = { state: ExportRow['state']; created_at: string; bytes?: number; url?: string; expires_in?: number };

/**
 * "Take your data with you": an account asks (account.export), the archive is built in the background
 * (on the instance that was asked, or by any instance's sweep if that one stopped), and
 * account.export_status hands out a short-lived link that downloads it once. Only the hash of a link's
 * key is stored; asking again for the link issues a new key and the old one stops working.
 */
export class DataExports {
  private readonly building = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly store: ExportStore,
    private readonly files: FileStore,
    private readonly parts: { users: UserStore; tokens: TokenService; devices: DeviceStore; notices: NoticeStore; noticeView: NoticeView; noticeIngest: NoticeIngest; audit: AuditLog },
    private readonly base: { config: Config; clock: Clock; log: Logger },
  ) {}

  private get scratch(): string {
    return path.join(this.base.config.dataDir, 'export-build');
  }

  /**
   * A new export for the account (`record` writes the audit entry in its transaction); 'busy' while one
   * is being built, 'limit' past EXPORTS_PER_DAY in 24 hours.
   */
  async request(userId: number, record: (tx: Tx, id: string) => Promise<void>): Promise<{ id: string } | 'busy' | 'limit'> {
    const now = this.base.clock.now();
    const recent = await this.store.recent(this.db.read, userId, now - 24 * HOUR);
    if (recent.some((e) => e.state === 'pending' || e.state === 'building')) return 'busy';
    if (recent.length >= EXPORTS_PER_DAY) return 'limit';
    const id = randomHex128();
    await this.db.transaction(async (tx) => {
      await this.store.insert(tx, id, userId, now);
      await record(tx, id);
    });
    void this.build(id);
    return { id };
  }

  /** Where the export stands; once ready, a fresh one-time link (and how long it is good for). */
  async status(userId: number, id: string, origin: string): Promise<ExportStatus | null> {
    const row = await this.store.byId(this.db.read, id);
    if (!row || row.userId !== userId) return null;
    const created_at = this.parts.noticeView.createtime(row.createdAt);
    if (row.state !== 'ready') return { state: row.state, created_at };
    const key = randomHex128();
    const expiresAt = this.base.clock.now() + this.base.config.exportLinkSeconds * 1000;
    if (!(await this.db.transaction((tx) => this.store.issueKey(tx, id, sha256Hex(key), expiresAt)))) return { state: 'taken', created_at };
    return { state: 'ready', created_at, bytes: row.bytes ?? undefined, url: `${origin}/app/export/${id}?key=${key}`, expires_in: this.base.config.exportLinkSeconds };
  }

  /** Checks a link and takes the export (the one download); the file's name in the store, or null. */
  async take(id: string, key: string): Promise<string | null> {
    const row = await this.store.byId(this.db.read, id);
    if (!row || row.state !== 'ready' || row.keyHash === null || !safeEqual(row.keyHash, sha256Hex(key))) return null;
    const taken = await this.db.transaction((tx) => this.store.take(tx, id, row.keyHash!, this.base.clock.now()));
    return taken ? this.fileName(id) : null;
  }

  fileName(id: string): string {
    return `${id}.zip`;
  }

  sendFile = (...args: Parameters<FileStore['send']>) => this.files.send(...args);

  async removeFile(id: string): Promise<void> {
    await this.files.remove(this.fileName(id)).catch((err) => this.base.log.warn('export file not removed', { id, err }));
  }

  /** The file names of an account's exports, for removal with the account. */
  idsOf(userId: number): Promise<string[]> {
    return this.store.idsOf(this.db.read, userId);
  }

  /** Builds exports left unbuilt (their instance stopped) and removes ready ones nobody took; from the sweep. */
  async sweep(): Promise<void> {
    const now = this.base.clock.now();
    for (const id of await this.store.unbuilt(this.db.read, now - STALE_MS)) await this.build(id);
    const expired = await this.db.transaction((tx) => this.store.expire(tx, now - KEEP_READY_MS));
    for (const id of expired) await this.removeFile(id);
  }

  /** Claims and builds one export; a failure marks it failed (the account may ask again). */
  async build(id: string): Promise<void> {
    if (this.building.has(id)) return;
    this.building.add(id);
    const local = path.join(this.scratch, `${id}.zip`);
    try {
      const now = this.base.clock.now();
      if (!(await this.db.transaction((tx) => this.store.claim(tx, id, now, now - STALE_MS)))) return;
      const row = (await this.store.byId(this.db.read, id))!;
      await fsp.mkdir(this.scratch, { recursive: true });
      const bytes = await this.write(row.userId, local);
      await this.files.place(await this.files.stageCopy(this.fileName(id), local), this.fileName(id));
      await this.db.transaction((tx) => this.store.finish(tx, id, 'ready', bytes, this.base.clock.now()));
      this.base.log.info('data export ready', { id, user: row.userId, bytes });
    } catch (err) {
      this.base.log.error('data export failed', { id, err });
      await this.db.transaction((tx) => this.store.finish(tx, id, 'failed', null, this.base.clock.now())).catch(() => undefined);
    } finally {
      this.building.delete(id);
      await fsp.rm(local, { force: true });
    }
  }

  /** Writes the account's archive to `file`; its size. Photos are read one at a time, as the ZIP reaches them. */
  private async write(userId: number, file: string): Promise<number> {
    const { users, tokens, devices, notices, noticeView, noticeIngest, audit } = this.parts;
    const q = this.db.read;
    const t = (ms: number | null) => (ms === null ? null : noticeView.createtime(ms));
    const profile = await users.profile(q, userId);
    const identity = await users.byPhone(q, profile!.phone);
    const zip = new yazl.ZipFile();
    const out = fs.createWriteStream(file, { mode: 0o600 });
    const done = new Promise<void>((resolve, reject) => {
      out.on('close', resolve);
      out.on('error', reject);
      zip.outputStream.on('error', reject);
    });
    zip.outputStream.pipe(out);
    const json = (name: string, value: unknown) => zip.addBuffer(Buffer.from(JSON.stringify(value, null, 2) + '\n'), name);

    zip.addBuffer(Buffer.from(README), 'README.txt');
    json('profile.json', { ...profile, role: identity?.role ?? 'user', timezone: this.base.config.noticeTimezone, exported_at: t(this.base.clock.now()) });
    json('sessions.json', (await tokens.sessions(q, userId)).map((s) => ({
      created_at: t(s.createdAt), last_used_at: t(s.lastUsedAt), enduring: s.enduring,
      device_no: s.deviceNo, device_name: s.deviceName, device_brand: s.deviceBrand, device_model: s.deviceModel,
    })));
    json('cameras.json', (await devices.listForUser(q, userId)).map((d) => ({
      device_id: d.deviceId, name: d.name, last_seen: t(d.lastSeenAt),
      alert_repeat_seconds: d.alertRepeatSeconds, alert_call_seconds: d.alertCallSeconds,
    })));
    const rows = await notices.list(q, userId, 2);
    const photoName = (eventId: string, type: string) => `photos/${eventId}.${type === 'jpeg' ? 'jpg' : type}`;
    const records = await notices.records(q, rows);
    json('notices.json', rows.map((n) => ({
      ...noticeView.toPublic(n, records.get(n.id)), photo: n.photoRemovedAt === null ? photoName(n.eventId, n.imageType) : null,
    })));
    for (const n of rows) {
      if (n.photoRemovedAt !== null) continue;
      zip.addReadStreamLazy(photoName(n.eventId, n.imageType), { compress: false }, (cb) => {
        noticeIngest.image(n.picName).then((bytes) => cb(null, Readable.from([bytes])), (err) => cb(err, undefined as never));
      });
    }
    json('read_marks.json', (await this.store.readMarks(q, userId)).map((r) => ({ event_id: r.eventId, read_at: t(r.readAt) })));
    json('verdicts.json', rows.filter((n) => n.verdict !== null && n.verdictPhone === profile!.phone)
      .map((n) => ({ event_id: n.eventId, verdict: n.verdict, note: n.verdictNote, at: t(n.verdictAt) })));
    json('health.json', await this.store.healthSamples(q, userId));
    const entries = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await audit.list(q, { userId }, 1000, offset, noticeView.createtime.bind(noticeView));
      entries.push(...page.list);
      if (page.list.length < 1000) break;
    }
    json('audit.json', entries);
    zip.end();
    await done;
    return (await fsp.stat(file)).size;
  }
}

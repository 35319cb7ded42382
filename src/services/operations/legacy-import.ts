import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Database } from '../../db/engine.js';
import { LegacyStore } from '../../db/legacy.js';
import { LegacySourceError, readLegacy, type LegacyData } from '../../db/legacy-mysql.js';
import type { Logger } from '../../log.js';
import { inspectImage, sniffImage, type Portraits, type Served } from '../media/index.js';
import { Passwords } from '../accounts/index.js';
import { legacyPicName } from '../shared/index.js';
import type { DeviceStore } from '../../db/devices.js';
import type { NoticeStore } from '../../db/notices.js';
import type { NoticeIngest, NoticeLists } from '../alerts/index.js';
import { parseLocal } from '../devices/index.js';

/** A problem that stops the import before anything is written: one line for the operator. */
export class ImportError extends Error {}

export type Kind = 'accounts' | 'devices' | 'bindings' | 'notices' | 'photos' | 'read_marks' | 'portraits';
export const KINDS: Kind[] = ['accounts', 'devices', 'bindings', 'notices', 'photos', 'read_marks', 'portraits'];

export interface Report {
  dry_run: boolean;
  /** Newly written (or, on a dry run, that would be). */
  imported: Record<Kind, number>;
  /** Already here from an earlier run. */
  already: Record<Kind, number>;
  /** Rows not imported, or imported with a stand-in, each with its reason. */
  skipped: { kind: Kind; key: string; reason: string; kept?: boolean }[];
}

export interface Progress {
  start(total: number): void;
  tick(): void;
  stop(): void;
}

const zero = () => Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;

/** The parts of `usersinfo.device`: `None|a|b|`, an older bare name, or NULL. */
export function boundNames(column: string | null): string[] {
  if (!column) return [];
  return [...new Set(column.split('|').map((s) => s.trim()).filter((s) => s && s !== 'None'))];
}

/** Where an object of the old COS bucket is in the folder laid out by key. */
function objectPath(root: string, key: string): string {
  return path.join(root, ...key.split('/'));
}

/**
 * Moves a HelpAged-Python deployment's MySQL data and COS objects into this
 * server's storage. Reads the old database in one read-only snapshot and never
 * writes to it. Safe to run again or after a crash: every write keeps what is
 * already here, a photo is placed (fsynced) before its row commits.
 */
/**
 * Checks the input and reads the old database: everything that can stop an
 * import, before anything is written anywhere.
 */
export async function loadSource(from: string, objects: string, read: (url: string) => Promise<LegacyData> = readLegacy): Promise<LegacyData> {
  if (!fs.existsSync(objects) || !fs.statSync(objects).isDirectory()) throw new ImportError(`--objects ${objects}: not a folder`);
  try {
    return await read(from);
  } catch (err) {
    if (err instanceof LegacySourceError) throw new ImportError(err.message);
    throw err;
  }
}

export async function importLegacy(opts: {
  data: LegacyData;
  objects: string;
  dryRun: boolean;
  config: Config;
  clock: Clock;
  log: Logger;
  db: Database;
  /** What the import writes through: the services of the server it fills. */
  services: { devices: DeviceStore; notices: NoticeStore; noticeIngest: NoticeIngest; noticeLists: NoticeLists; portraits: Portraits; placeholders: { error: Served } };
  progress?: Progress;
}): Promise<Report> {
  const { config, clock, services, dryRun, data } = opts;
  const db = opts.db;
  const read = db.read;
  const store = new LegacyStore(db);
  const report: Report = { dry_run: dryRun, imported: zero(), already: zero(), skipped: [] };
  const skip = (kind: Kind, key: string, reason: string, kept = false) => report.skipped.push({ kind, key, reason, ...(kept ? { kept } : {}) });
  const tz = config.noticeTimezone;
  const now = clock.now();
  const progress = opts.progress;
  progress?.start(data.users.length + data.devices.length + data.notices.length + data.reads.length);

  // accounts: a phone with several rows was refused by the old server too ("Invalid record number")
  const rowsByPhone = new Map<string, LegacyData['users']>();
  for (const u of data.users) rowsByPhone.set(u.phone, [...(rowsByPhone.get(u.phone) ?? []), u]);
  const infoByPhone = new Map(data.infos.map((i) => [i.phone, i]));
  const accounts = new Map<string, number>(); // phone -> our id, for accounts that are (or would be) here
  for (const [phone, rows] of rowsByPhone) {
    progress?.tick();
    if (rows.length > 1) {
      skip('accounts', phone, `${rows.length} users rows for one phone (the old server answered this account "Invalid record number")`);
      continue;
    }
    const u = rows[0]!;
    const existing = await store.userId(read, phone);
    if (existing !== undefined) {
      report.already.accounts++;
      accounts.set(phone, existing);
      continue;
    }
    if (!/^[0-9a-f]{32}$/i.test(u.password) || !/^[A-Za-z0-9]{1,16}$/.test(u.salt)) {
      skip('accounts', phone, 'password is not md5(password + salt) hex with a 1-16 character salt');
      continue;
    }
    const info = infoByPhone.get(phone);
    const values = {
      phone, passwordHash: Passwords.legacy(u.salt, u.password), name: info?.name ?? null, nickname: info?.nickname ?? null,
      email: info?.email ?? null, level: info?.level ?? 1, role: u.group === '__ADMIN__' ? 'admin' as const : 'user' as const,
      createdAt: (u.createdtime && parseLocal(tz, u.createdtime)) || now,
    };
    report.imported.accounts++;
    accounts.set(phone, dryRun ? -1 : await db.transaction((tx) => store.insertUser(tx, values)) ?? (await store.userId(read, phone))!);
  }

  // devices keep their ids: the cameras hold them
  const deviceRows = new Map<string, number>(); // name -> our row id (-1 on a dry run, for a device not here yet)
  for (const d of data.devices) {
    progress?.tick();
    const outcome = dryRun ? ((await store.deviceByName(read, d.device_name)) ? 'present' : 'added') : await db.transaction((tx) => store.insertDevice(tx, d.device_id, d.device_name, now));
    if (outcome === 'conflict') {
      skip('devices', d.device_id, `device_id or name "${d.device_name}" already belongs to another device here`);
      continue;
    }
    deviceRows.set(d.device_name, (await store.deviceByName(read, d.device_name))?.id ?? -1);
    if (outcome === 'added') report.imported.devices++;
    else report.already.devices++;
  }

  // bindings, split out of usersinfo.device; a name that matches no device is reported, not guessed
  for (const info of data.infos) {
    const userId = accounts.get(info.phone);
    for (const name of boundNames(info.device)) {
      if (userId === undefined) {
        skip('bindings', `${info.phone}:${name}`, 'the account was not imported');
        continue;
      }
      const deviceRow = deviceRows.get(name);
      if (deviceRow === undefined) {
        skip('bindings', `${info.phone}:${name}`, `no device named "${name}"`);
        continue;
      }
      if (dryRun) {
        report.imported.bindings++;
        continue;
      }
      if (await db.transaction((tx) => services.devices.bind(tx, userId, deviceRow, now))) report.imported.bindings++;
      else report.already.bindings++;
    }
  }

  // notices, oldest first so that ids (the stream's event ids) follow their time
  const notices = [...data.notices].sort((a, b) => (a.createtime ?? '').localeCompare(b.createtime ?? '') || a.event_id.localeCompare(b.event_id));
  const noticeRows = new Map<string, { id: number; createdAt: number }>(); // event_id -> our row (id -1 on a dry run)
  const placeholder = services.placeholders.error.bytes;
  for (const n of notices) {
    progress?.tick();
    const existing = await store.noticeByEvent(read, n.event_id);
    if (existing) {
      report.already.notices++;
      report.already.photos++;
      noticeRows.set(n.event_id, existing);
      continue;
    }
    const deviceRow = deviceRows.get(n.device);
    if (deviceRow === undefined) {
      skip('notices', n.event_id, `no device named "${n.device}"`);
      continue;
    }
    const createdAt = n.createtime ? parseLocal(tz, n.createtime) : null;
    if (createdAt === null) {
      skip('notices', n.event_id, `createtime ${JSON.stringify(n.createtime)} is not a time`);
      continue;
    }
    if (!/^[0-9a-f]{32}$/.test(n.pic_name)) {
      skip('notices', n.event_id, `pic_name ${JSON.stringify(n.pic_name)} is not 32 hex`);
      continue;
    }
    // The photo is the evidence: checked against its pic_name and as an upload is. A notice whose photo is
    // missing, altered or not an image is kept (the family's history), marked photo_ok false, and served
    // with the "error" image, which legacy clients display like any photo.
    let bytes: Buffer | null = null;
    try {
      bytes = fs.readFileSync(objectPath(opts.objects, `fallpic/${n.pic_name}`));
    } catch {
      skip('photos', n.event_id, `fallpic/${n.pic_name} missing: kept with the "error" image`, true);
    }
    let photoOk = 0;
    let imageType = 'png';
    if (bytes) {
      const matches = legacyPicName(bytes) === n.pic_name;
      const checked = await inspectImage(bytes, { maxBytes: config.imageMaxBytes, maxPixels: config.imageMaxPixels, decode: config.imageCheck === 'decode' });
      const type = typeof checked === 'string' ? sniffImage(bytes) : checked.type;
      if (!type || checked === 'too_large' || checked === 'too_many_pixels') {
        skip('photos', n.event_id, `fallpic/${n.pic_name} is not an image we keep (${typeof checked === 'string' ? checked : 'no signature'}): kept with the "error" image`, true);
        bytes = null;
      } else {
        imageType = type;
        photoOk = matches && typeof checked !== 'string' ? 1 : 0;
        if (!matches) skip('photos', n.event_id, `fallpic/${n.pic_name} does not match its pic_name (altered): kept as found, photo_ok false`, true);
        else if (!photoOk) skip('photos', n.event_id, `fallpic/${n.pic_name} is incomplete or damaged: kept as found, photo_ok false`, true);
      }
    }
    report.imported.notices++;
    report.imported.photos++;
    if (dryRun) {
      noticeRows.set(n.event_id, { id: -1, createdAt });
      continue;
    }
    await services.noticeIngest.storeFile(n.pic_name, bytes ?? placeholder);
    const id = await db.transaction((tx) => store.insertNotice(tx, { eventId: n.event_id, deviceId: deviceRow, content: n.content ?? '', picName: n.pic_name, imageType, createdAt, photoOk }));
    noticeRows.set(n.event_id, { id: id ?? (await store.noticeByEvent(read, n.event_id))!.id, createdAt });
  }

  // read marks
  const seenMarks = new Set<string>();
  for (const r of data.reads) {
    progress?.tick();
    const key = `${r.event_id}:${r.user_id}`;
    if (seenMarks.has(key)) continue;
    seenMarks.add(key);
    const notice = noticeRows.get(r.event_id);
    const userId = accounts.get(r.user_id);
    if (notice === undefined) {
      skip('read_marks', key, 'unknown notice');
      continue;
    }
    if (userId === undefined) {
      skip('read_marks', key, 'unknown phone');
      continue;
    }
    if (dryRun) {
      report.imported.read_marks++;
      continue;
    }
    // the old server kept no time for a read mark: the fall's own time stands in
    if (await db.transaction((tx) => services.notices.markRead(tx, userId, notice.id, notice.createdAt))) report.imported.read_marks++;
    else report.already.read_marks++;
  }

  // portraits, re-encoded as portrait.upload does
  for (const [phone, userId] of accounts) {
    const file = objectPath(opts.objects, `portrait/${phone}`);
    if (!fs.existsSync(file)) continue;
    if (!dryRun && await store.hasPortrait(read, userId)) {
      report.already.portraits++;
      continue;
    }
    if (dryRun) {
      report.imported.portraits++;
      continue;
    }
    const stored = await services.portraits.set(userId, fs.readFileSync(file));
    if (stored.ok) report.imported.portraits++;
    else skip('portraits', phone, `portrait/${phone} not stored: ${stored.problem}`);
  }
  progress?.stop();
  if (!dryRun) await services.noticeLists.invalidate(null, 'all');
  return report;
}

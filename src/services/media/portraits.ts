import sharp from 'sharp';
import type { Database } from '../../db/engine.js';
import type { PortraitStore } from '../../db/portraits.js';
import type { Clock } from '../../clock.js';
import type { FileStore } from './files.js';
import { reencodePortrait, type ImageLimits, type ImageProblem } from './images.js';
import { sha256Hex } from '../shared/index.js';

export interface Served {
  bytes: Buffer;
  etag: string;
  contentType: string;
}

const fileName = (userId: number, etag: string) => `${userId}-${etag}.jpg`;

/**
 * Portraits: re-encoded on upload, stored as `<user id>-<etag>.jpg` and
 * recorded in `portraits`; the row decides which file is current, so a crash
 * at any point leaves the old portrait or the new one, never half of one.
 */
export class Portraits {
  constructor(
    private readonly db: Database,
    private readonly store: PortraitStore,
    private readonly files: FileStore,
    private readonly clock: Clock,
    private readonly limits: ImageLimits,
    private readonly maxSide: number,
  ) {}

  async set(userId: number, original: Buffer): Promise<{ ok: true } | { ok: false; problem: ImageProblem | 'storage' }> {
    const jpeg = await reencodePortrait(original, this.limits, this.maxSide);
    if (typeof jpeg === 'string') return { ok: false, problem: jpeg };
    const etag = sha256Hex(jpeg).slice(0, 32);
    const name = fileName(userId, etag);
    try {
      await this.files.place(await this.files.stage(name, jpeg), name);
    } catch {
      return { ok: false, problem: 'storage' };
    }
    const previous = await this.db.transaction(async (tx) => {
      const old = await this.store.etag(tx, userId);
      await this.store.put(tx, userId, etag, jpeg.length, this.clock.now());
      return old;
    });
    if (previous && previous !== etag) await this.files.remove(fileName(userId, previous));
    return { ok: true };
  }

  async get(userId: number): Promise<Served | null> {
    const etag = await this.store.etag(this.db.read, userId);
    if (!etag) return null;
    const bytes = await this.files.read(fileName(userId, etag)).catch(() => null);
    return bytes && { bytes, etag, contentType: 'image/jpeg' };
  }

  etagOf(userId: number): Promise<string | undefined> {
    return this.store.etag(this.db.read, userId);
  }

  /** Call with the account's row still there, or after: the file goes either way. */
  async remove(userId: number, etag: string | undefined): Promise<void> {
    await this.db.transaction((tx) => this.store.delete(tx, userId));
    if (etag) await this.files.remove(fileName(userId, etag));
  }

  /**
   * Drops staged leftovers and any portrait file no row points at that was stored before `before`: a
   * younger one may be another instance's, written and not yet committed.
   */
  async recover(before = Infinity): Promise<number> {
    let dropped = 0;
    for (const { staged } of await this.files.leftovers()) {
      await this.files.discard(staged);
      dropped++;
    }
    const named = async () => new Set((await this.store.all(this.db.read)).map((r) => fileName(r.userId, r.etag)));
    const current = await named();
    const unnamed: string[] = [];
    for await (const file of this.files.storedBefore(before)) if (!current.has(file)) unnamed.push(file);
    if (unnamed.length === 0) return dropped;
    // read again: a portrait committed since the list was taken keeps its file
    const now = await named();
    for (const file of unnamed) {
      if (now.has(file)) continue;
      await this.files.remove(file);
      dropped++;
    }
    return dropped;
  }
}

/** The three stand-in images of GET /get/portrait, drawn at start (no files, no fonts). */
export async function placeholderImages(): Promise<Record<'ban' | 'default' | 'error', Served>> {
  const svg = (inner: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128">${inner}</svg>`);
  const draw = async (inner: string): Promise<Served> => {
    const bytes = await sharp(svg(inner)).jpeg({ quality: 85 }).toBuffer();
    return { bytes, etag: sha256Hex(bytes).slice(0, 32), contentType: 'image/jpeg' };
  };
  return {
    default: await draw('<rect width="128" height="128" fill="#dfe6ee"/><circle cx="64" cy="48" r="24" fill="#9aabbd"/>'
      + '<path d="M20 128 C20 88 108 88 108 128 Z" fill="#9aabbd"/>'),
    ban: await draw('<rect width="128" height="128" fill="#ffffff"/><circle cx="64" cy="64" r="46" fill="none" stroke="#c62828" stroke-width="12"/>'
      + '<line x1="32" y1="96" x2="96" y2="32" stroke="#c62828" stroke-width="12"/>'),
    error: await draw('<rect width="128" height="128" fill="#fff8e1"/><path d="M64 16 L118 112 L10 112 Z" fill="none" stroke="#f9a825" stroke-width="10" stroke-linejoin="round"/>'
      + '<line x1="64" y1="50" x2="64" y2="82" stroke="#5d4037" stroke-width="10" stroke-linecap="round"/><circle cx="64" cy="98" r="6" fill="#5d4037"/>'),
  };
}

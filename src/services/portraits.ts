import fs from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { atomically, type Db } from '../db/client.js';
import { portraits } from '../db/schema.js';
import type { Clock } from '../clock.js';
import type { DurableDir } from './files.js';
import { reencodePortrait, type ImageLimits, type ImageProblem } from './images.js';
import { sha256Hex } from './random.js';

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
    private readonly db: Db,
    private readonly files: DurableDir,
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
    const previous = atomically(this.db, () => {
      const old = this.db.select({ etag: portraits.etag }).from(portraits).where(eq(portraits.userId, userId)).get();
      this.db.insert(portraits).values({ userId, etag, bytes: jpeg.length, updatedAt: this.clock.now() })
        .onConflictDoUpdate({ target: portraits.userId, set: { etag, bytes: jpeg.length, updatedAt: this.clock.now() } }).run();
      return old?.etag;
    });
    if (previous && previous !== etag) await this.files.remove(fileName(userId, previous));
    return { ok: true };
  }

  async get(userId: number): Promise<Served | null> {
    const row = this.db.select({ etag: portraits.etag }).from(portraits).where(eq(portraits.userId, userId)).get();
    if (!row) return null;
    const bytes = await this.files.read(fileName(userId, row.etag)).catch(() => null);
    return bytes && { bytes, etag: row.etag, contentType: 'image/jpeg' };
  }

  etagOf(userId: number): string | undefined {
    return this.db.select({ etag: portraits.etag }).from(portraits).where(eq(portraits.userId, userId)).get()?.etag;
  }

  /** Call with the account's row still there, or after: the file goes either way. */
  async remove(userId: number, etag: string | undefined): Promise<void> {
    this.db.delete(portraits).where(eq(portraits.userId, userId)).run();
    if (etag) await this.files.remove(fileName(userId, etag));
  }

  /** Drops staged leftovers and any portrait file no row points at. */
  async recover(): Promise<number> {
    let dropped = 0;
    for (const { staged } of await this.files.leftovers()) {
      await this.files.discard(staged);
      dropped++;
    }
    const current = new Set(this.db.select({ userId: portraits.userId, etag: portraits.etag }).from(portraits).all()
      .map((r) => fileName(r.userId, r.etag)));
    for (const shard of await fs.readdir(this.files.root).catch(() => [] as string[])) {
      if (shard === '.tmp') continue;
      for (const file of await fs.readdir(path.join(this.files.root, shard)).catch(() => [] as string[])) {
        if (!current.has(file)) {
          await this.files.remove(file);
          dropped++;
        }
      }
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

import type { Logger } from '../../log.js';
import type { FileStore } from './files.js';
import { renderPhoto, type Rendition } from './images.js';

/** What the console asks for: the full photo (details), or the small one for lists, in the best format the browser takes. */
export type PhotoVariant = 'full' | 'list.jpeg' | 'list.webp' | 'list.avif';
export const PHOTO_VARIANTS: PhotoVariant[] = ['full', 'list.jpeg', 'list.webp', 'list.avif'];

const RENDITIONS: Record<PhotoVariant, Rendition> = {
  full: { maxSide: 1280, format: 'jpeg', quality: 80 },
  'list.jpeg': { maxSide: 480, format: 'jpeg', quality: 60 },
  'list.webp': { maxSide: 480, format: 'webp', quality: 50 },
  'list.avif': { maxSide: 480, format: 'avif', quality: 45 },
};

export const PHOTO_TYPES: Record<PhotoVariant, string> = { full: 'image/jpeg', 'list.jpeg': 'image/jpeg', 'list.webp': 'image/webp', 'list.avif': 'image/avif' };

/** The stored file of a variant: beside the original's name, in the derived store. */
const fileOf = (picName: string, variant: PhotoVariant) => `${picName}-${variant.replace('.', '-')}`;

/** Bytes of served variants kept in memory (the hottest photos: a list's ten, a night's falls). */
const CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Fall photos as the console is served them: each variant is decoded and re-encoded once, on the
 * first request for it, stored durably beside the original (under DATA_DIR/photos or the bucket's
 * photos/ prefix) and read from there afterwards. Two instances deriving the same variant at once
 * write the same bytes under the same name, so nothing needs to be agreed.
 *
 * Process-local on purpose: the memory cache of variants (their names are the content's hash and the
 * variant, so an entry can never go stale; a photo removed by retention is refused by its row before
 * any cache is looked at) and the derivations in flight (so that ten requests for one new photo decode
 * it once on this instance).
 */
export class Photos {
  private readonly cache = new Map<string, Buffer>();
  private cached = 0;
  private readonly making = new Map<string, Promise<Buffer | null>>();

  constructor(
    private readonly originals: FileStore,
    private readonly derived: FileStore,
    private readonly maxPixels: number,
    private readonly log: Logger,
  ) {}

  /** The variant's bytes; null when the original does not decode. */
  async get(picName: string, variant: PhotoVariant): Promise<Buffer | null> {
    const name = fileOf(picName, variant);
    const hit = this.cache.get(name);
    if (hit) {
      // most recently used last
      this.cache.delete(name);
      this.cache.set(name, hit);
      return hit;
    }
    let work = this.making.get(name);
    if (!work) {
      work = this.load(picName, variant, name).finally(() => this.making.delete(name));
      this.making.set(name, work);
    }
    return work;
  }

  private async load(picName: string, variant: PhotoVariant, name: string): Promise<Buffer | null> {
    let bytes = await this.derived.read(name).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!bytes) {
      const started = performance.now();
      bytes = await renderPhoto(await this.originals.read(picName), this.maxPixels, RENDITIONS[variant]);
      if (!bytes) return null;
      try {
        await this.derived.place(await this.derived.stage(name, bytes), name);
      } catch (err) {
        // served all the same; the next request makes it again
        this.log.warn('photo variant not stored', { pic_name: picName, variant, err });
      }
      this.log.debug('photo variant made', { pic_name: picName, variant, bytes: bytes.length, ms: +(performance.now() - started).toFixed(1) });
    }
    this.remember(name, bytes);
    return bytes;
  }

  private remember(name: string, bytes: Buffer): void {
    if (bytes.length > CACHE_BYTES / 16) return;
    this.cache.set(name, bytes);
    this.cached += bytes.length;
    for (const [old, b] of this.cache) {
      if (this.cached <= CACHE_BYTES) break;
      this.cache.delete(old);
      this.cached -= b.length;
    }
  }

  /** Every variant of a photo the retention sweep let go of. */
  async remove(picName: string): Promise<void> {
    for (const variant of PHOTO_VARIANTS) {
      const name = fileOf(picName, variant);
      const b = this.cache.get(name);
      if (b) {
        this.cache.delete(name);
        this.cached -= b.length;
      }
      await this.derived.remove(name);
    }
  }

  /** The variant's stored file name (tests look for the stored files by it). */
  static fileOf = fileOf;
}

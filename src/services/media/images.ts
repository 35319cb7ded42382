import sharp from 'sharp';
import { readStructure, signatureOf, type ImageHeader, type ImageType } from './image-structure.js';

export { signatureOf as sniffImage };

// One libvips thread per image, and one image decoding at a time: a burst of
// camera uploads then takes at most one core's worth of decoding away from
// the event loop, which keeps answering everyone else.
sharp.concurrency(1);
let decoding = 0;
const waiting: (() => void)[] = [];
const DECODE_SLOTS = 1;

async function decodeSlot(): Promise<() => void> {
  if (decoding >= DECODE_SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  decoding++;
  return () => {
    decoding--;
    waiting.shift()?.();
  };
}

export type { ImageType };
export type ImageProblem = 'not_base64' | 'too_large' | 'too_many_pixels' | 'not_an_image';

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
  /** Decode every pixel too (IMAGE_CHECK=decode), not only the structure. */
  decode?: boolean;
}

const DATA_URL = /^data:image\/[a-z0-9.+-]+;base64,/i;
export const CONTENT_TYPE: Record<ImageType, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/**
 * Node's decoder skips every character that is not base64 (and stops at a
 * `=` inside the text), so the text is valid exactly when every character
 * before the padding contributed its six bits: the decoded length says so,
 * without a second pass over the text.
 */
function strictDecode(b64: string): Buffer | null {
  let end = b64.length;
  while (end > 0 && b64.charCodeAt(end - 1) === 61 /* = */) end--;
  if (end === 0 || end % 4 === 1 || b64.length - end > 2) return null;
  const bytes = Buffer.from(b64, 'base64');
  return bytes.length === Math.floor((end * 3) / 4) ? bytes : null;
}

/**
 * Decodes a client's base64 image text: an optional `data:image/...;base64,`
 * prefix, line breaks allowed (Python's encodebytes adds them), URL-safe
 * letters accepted. Anything else is not base64.
 */
export function decodeBase64(text: string, maxBytes: number): Buffer | ImageProblem {
  let b64 = text.charCodeAt(0) === 100 /* d */ ? text.replace(DATA_URL, '') : text;
  if (Math.floor((b64.length * 3) / 4) > maxBytes * 1.02 + 16) return 'too_large';
  let bytes = strictDecode(b64);
  if (!bytes) {
    b64 = b64.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
    bytes = strictDecode(b64);
  }
  if (!bytes) return 'not_base64';
  return bytes.length > maxBytes ? 'too_large' : bytes;
}

/**
 * Proves the bytes are one whole JPEG, PNG or WebP: its structure is read end
 * to end (image-structure.ts), so a truncated or malformed file fails here,
 * where the camera can still send it again, rather than on a family member's
 * phone; a pixel flood is refused from the header. With `decode` every pixel
 * is decoded as well and any decoder warning refuses the image: about 13 ms
 * of CPU for a 1080p photo, one image at a time.
 */
export async function inspectImage(bytes: Buffer, limits: ImageLimits): Promise<ImageHeader | ImageProblem> {
  if (bytes.length > limits.maxBytes) return 'too_large';
  const header = await readStructure(bytes, limits.maxPixels);
  if (!header) return 'not_an_image';
  if (header === 'too_many_pixels' || !limits.decode) return header;
  const release = await decodeSlot();
  try {
    await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'warning' }).raw().toBuffer();
    return header;
  } catch {
    return 'not_an_image';
  } finally {
    release();
  }
}

/** A portrait as served: upright, within maxSide, JPEG, every metadata block dropped. Decoding it is the full check. */
export async function reencodePortrait(bytes: Buffer, limits: ImageLimits, maxSide: number): Promise<Buffer | ImageProblem> {
  const inspected = await inspectImage(bytes, { ...limits, decode: false });
  if (typeof inspected === 'string') return inspected;
  const release = await decodeSlot();
  try {
    return await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'warning' })
      .rotate()
      .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85 })
      .toBuffer();
  } catch {
    return 'not_an_image';
  } finally {
    release();
  }
}

/** How a photo is served: its longest side, its format, its quality. */
export interface Rendition {
  maxSide: number;
  format: 'jpeg' | 'webp' | 'avif';
  quality: number;
}

/**
 * A fall photo as the console shows it: decoded and encoded afresh (upright, at most `maxSide`, no
 * metadata), so that no byte a camera sent reaches a browser as it was; null when it does not decode.
 * The stored original stays the evidence; an incomplete one (photo_ok false) is shown as far as it
 * decodes. One at a time, as every decode here.
 */
export async function renderPhoto(bytes: Buffer, maxPixels: number, r: Rendition): Promise<Buffer | null> {
  const release = await decodeSlot();
  try {
    const image = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'none' })
      .rotate()
      .resize(r.maxSide, r.maxSide, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' });
    const encoded = r.format === 'avif' ? image.avif({ quality: r.quality, effort: 0 })
      : r.format === 'webp' ? image.webp({ quality: r.quality, effort: 2 }) : image.jpeg({ quality: r.quality, mozjpeg: false });
    return await encoded.toBuffer();
  } catch {
    return null;
  } finally {
    release();
  }
}

import sharp from 'sharp';

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

export type ImageType = 'jpeg' | 'png' | 'webp';
export type ImageProblem = 'not_base64' | 'too_large' | 'too_many_pixels' | 'not_an_image';

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

const DATA_URL = /^data:image\/[a-z0-9.+-]+;base64,/i;
const TYPES = new Set<string>(['jpeg', 'png', 'webp']);
export const CONTENT_TYPE: Record<ImageType, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** Base64 text with its padding stripped, as Buffer#toString('base64') would write it. */
function canonical(b64: string): string {
  let end = b64.length;
  while (end > 0 && b64.charCodeAt(end - 1) === 61 /* = */) end--;
  return end === b64.length ? b64 : b64.slice(0, end);
}

function strictDecode(b64: string): Buffer | null {
  if (b64.length === 0 || b64.length % 4 === 1) return null;
  const bytes = Buffer.from(b64, 'base64');
  // Node skips characters that are not base64; encoding back and comparing catches them in linear time.
  return canonical(bytes.toString('base64')) === canonical(b64) ? bytes : null;
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
 * Proves the bytes are one whole JPEG, PNG or WebP by decoding them: the
 * header says what it is and how big (a pixel flood is refused before any
 * pixel is decoded), then every scan is decoded, and any decoder warning
 * (bad Huffman code, premature end of data) refuses it: a truncated or corrupt
 * file fails here, where the camera can still send it again, rather than on a
 * family member's phone.
 */
export async function inspectImage(bytes: Buffer, limits: ImageLimits): Promise<{ type: ImageType; width: number; height: number } | ImageProblem> {
  if (bytes.length > limits.maxBytes) return 'too_large';
  const release = await decodeSlot();
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata(); // the header only: sizes are checked next
    if (!meta.format || !TYPES.has(meta.format) || !meta.width || !meta.height) return 'not_an_image';
    if (meta.width * meta.height > limits.maxPixels) return 'too_many_pixels';
    if ((meta.pages ?? 1) > 1) return 'not_an_image';
    // Full scale on purpose: shrink-on-load skips the data where corruption shows.
    await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'warning' }).raw().toBuffer();
    return { type: meta.format as ImageType, width: meta.width, height: meta.height };
  } catch {
    return 'not_an_image';
  } finally {
    release();
  }
}

/** A portrait as served: upright, within maxSide, JPEG, every metadata block dropped. */
export async function reencodePortrait(bytes: Buffer, limits: ImageLimits, maxSide: number): Promise<Buffer | ImageProblem> {
  const inspected = await inspectImage(bytes, limits);
  if (typeof inspected === 'string') return inspected;
  try {
    return await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'truncated' })
      .rotate()
      .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85 })
      .toBuffer();
  } catch {
    return 'not_an_image';
  }
}

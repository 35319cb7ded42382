import crypto from 'node:crypto';
import sharp from 'sharp';

/**
 * Photo-like JPEGs of a given size band: smooth gradients and shapes with
 * sensor-like noise, 1920x1080 at quality 90, as a home camera sends them.
 * Each call gives a different picture.
 */
export async function photo(minKb = 500, maxKb = 900): Promise<Buffer> {
  const width = 1920;
  const height = 1080;
  let noise = 18;
  for (let attempt = 0; attempt < 12; attempt++) {
    const hue = crypto.randomInt(360);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="hsl(${hue},45%,70%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},35%,25%)"/>
      </linearGradient></defs>
      <rect width="100%" height="100%" fill="url(#g)"/>
      ${Array.from({ length: 40 }, () => `<circle cx="${crypto.randomInt(width)}" cy="${crypto.randomInt(height)}" r="${20 + crypto.randomInt(200)}" fill="hsl(${crypto.randomInt(360)},40%,${30 + crypto.randomInt(50)}%)" fill-opacity="0.6"/>`).join('')}
    </svg>`;
    const base = await sharp(Buffer.from(svg)).raw().toBuffer();
    const grain = crypto.randomBytes(base.length);
    for (let i = 0; i < base.length; i++) base[i] = Math.max(0, Math.min(255, base[i]! + ((grain[i]! % (2 * noise + 1)) - noise)));
    const jpeg = await sharp(base, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    const kb = jpeg.length / 1024;
    if (kb >= minKb && kb <= maxKb) return jpeg;
    noise = Math.max(1, Math.round(noise * (kb < minKb ? 1.4 : 0.7)));
  }
  throw new Error('could not hit the size band');
}

/**
 * Camera upload bodies over `count` photos, each request a distinct file:
 * every photo's envelope is built once as bytes, and each request gets a
 * copy with a fresh 18-byte JPEG comment after the SOI marker (24 bytes,
 * so its 32 base64 letters replace the template's in place). Building a
 * 1.2 MB JSON string per request instead kept the load generator's own
 * garbage collector busy enough to show up in the measured latencies.
 */
export async function cameraBodies(count: number, content = 'bench'): Promise<() => Buffer> {
  const { templates, at } = await cameraTemplates(count, content);
  let i = 0;
  return () => {
    const body = Buffer.from(templates[i++ % templates.length]!);
    const prefix = Buffer.concat([Buffer.from(COMMENT_HEAD), crypto.randomBytes(18)]).toString('base64');
    body.write(prefix, at, 'latin1');
    return body;
  };
}

/** SOI, then a comment segment of 20 bytes (its length field and 18 bytes): 24 bytes, 32 base64 letters. */
const COMMENT_HEAD = [0xff, 0xd8, 0xff, 0xfe, 0x00, 0x14];

/**
 * The envelopes cameraBodies copies: each one's 32 letters at `at` stand for the photo's first 24
 * bytes, SOI and a comment (COMMENT_HEAD, whose letters are `commentLetters`, then 24 letters of any
 * 18 bytes). Also written out for wrk (test/bench/wrk.ts), which fills in the 24 letters itself.
 */
export async function cameraTemplates(count: number, content = 'bench'): Promise<{ templates: Buffer[]; at: number; commentLetters: string }> {
  const head = '{"id":1,"type":"notice","subtype":"upload","data":{"base64":"';
  const templates = await Promise.all(Array.from({ length: count }, async () => {
    const tail = (await photo()).subarray(2).toString('base64');
    return Buffer.from(`${head}${'A'.repeat(32)}${tail}","content":${JSON.stringify(content)}}}`, 'latin1');
  }));
  return { templates, at: head.length, commentLetters: Buffer.from(COMMENT_HEAD).toString('base64') };
}

/** A small real JPEG (64x64 of noise), different on every call: a camera's photo where size does not matter. */
export async function smallJpeg(): Promise<Buffer> {
  return sharp(crypto.randomBytes(64 * 64 * 3), { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer();
}

import crypto from 'node:crypto';
import sharp from 'sharp';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/engine.js';
import type { TicketStore } from '../../db/tickets.js';
import { CAPTCHA_ALPHABET, GLYPHS } from './glyphs.js';
import { md5Hex, randomString } from '../shared/index.js';

const WIDTH = 120;
const HEIGHT = 30;
const LENGTH = 5;
const RAND_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function jitter(range: number): number {
  return (crypto.randomInt(0, 2001) / 1000 - 1) * range;
}

function glyphSvg(char: string, slot: number): string {
  const scale = 3 + jitter(0.3);
  const x = 8 + slot * 22 + jitter(2);
  const y = 5 + jitter(2);
  const angle = jitter(14);
  const color = `hsl(${crypto.randomInt(0, 360)},70%,30%)`;
  const paths = GLYPHS[char]!.split(';').map((line) => `<polyline points="${line}"/>`).join('');
  return `<g transform="translate(${x.toFixed(1)},${y.toFixed(1)}) rotate(${angle.toFixed(1)},6,9) scale(${scale.toFixed(2)})" `
    + `stroke="${color}" stroke-width="${(1.9 / scale).toFixed(3)}" fill="none" stroke-linecap="round" stroke-linejoin="round">${paths}</g>`;
}

function noiseSvg(): string {
  let out = '';
  for (let i = 0; i < 4; i++) {
    const pts = [0, 1, 2].map(() => `${crypto.randomInt(0, WIDTH)},${crypto.randomInt(0, HEIGHT)}`).join(' ');
    out += `<polyline points="${pts}" stroke="hsl(${crypto.randomInt(0, 360)},50%,55%)" stroke-width="1" fill="none"/>`;
  }
  for (let i = 0; i < 30; i++) {
    out += `<circle cx="${crypto.randomInt(0, WIDTH)}" cy="${crypto.randomInt(0, HEIGHT)}" r="0.8" fill="hsl(${crypto.randomInt(0, 360)},40%,50%)"/>`;
  }
  return out;
}

export async function renderCaptcha(code: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">`
    + `<rect width="100%" height="100%" fill="#f4f1e8"/>${noiseSvg()}`
    + [...code].map((c, i) => glyphSvg(c, i)).join('') + '</svg>';
  return sharp(Buffer.from(svg)).png({ compressionLevel: 6 }).toBuffer();
}

/**
 * Image captchas: 5 case-insensitive characters drawn as strokes (no fonts
 * needed). The answer is kept only as md5(lower(code) + rand), in the
 * database (so that any instance redeems it), for one successful `img.validate`.
 */
export class ImageCaptchas {
  constructor(
    private readonly db: Database,
    private readonly store: TicketStore,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly maxPending: number,
    private readonly pickCode: () => string = () => randomString(LENGTH, CAPTCHA_ALPHABET),
  ) {}

  async generate(): Promise<{ imgdata: string; rand: string } | null> {
    const code = this.pickCode();
    const rand = randomString(LENGTH, RAND_ALPHABET);
    const now = this.clock.now();
    // more unanswered captchas than we keep: refuse rather than grow
    if (await this.store.live(this.db.read, 'captcha', now) >= this.maxPending) return null;
    const png = await renderCaptcha(code);
    const stored = await this.db.transaction((tx) => this.store.put(tx, 'captcha', md5Hex(code.toLowerCase() + rand), '', now + this.ttlSeconds * 1000, now));
    return stored ? { imgdata: png.toString('base64'), rand } : null;
  }

  /** Uses the captcha up when it matches. */
  async validate(hash: string): Promise<'ok' | 'expired' | 'unknown'> {
    const entry = await this.db.transaction((tx) => this.store.take(tx, 'captcha', hash.toLowerCase()));
    if (!entry) return 'unknown';
    return entry.expiresAt > this.clock.now() ? 'ok' : 'expired';
  }
}

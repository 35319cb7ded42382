import crypto from 'node:crypto';

/** 128 random bits as 32 lower-case hex characters. */
export function randomHex128(): string {
  return crypto.randomBytes(16).toString('hex');
}

export function randomString(length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[crypto.randomInt(alphabet.length)];
  return out;
}

export function sha256Hex(value: string | Buffer): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

export function md5Hex(value: string): string {
  return crypto.createHash('md5').update(value, 'utf8').digest('hex');
}

/** HelpAged-Python's name for a fall photo: md5(photo bytes + "helpaged"), hex. */
export function legacyPicName(bytes: Buffer): string {
  return crypto.createHash('md5').update(bytes).update('helpaged').digest('hex');
}

/** Constant-time comparison of two strings of any length. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

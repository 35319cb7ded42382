import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike, salt: crypto.BinaryLike, keylen: number, options: crypto.ScryptOptions,
) => Promise<Buffer>;

const KEY_LENGTH = 32;
/** HelpAged-Python's md5(password + salt), imported as `legacy-md5$<salt>$<hex>` and replaced at the first login. */
const LEGACY = /^legacy-md5\$([A-Za-z0-9]{1,16})\$([0-9a-f]{32})$/;
const FORMAT = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

interface Params {
  ln: number;
  r: number;
  p: number;
}

function options({ ln, r, p }: Params): crypto.ScryptOptions {
  const N = 2 ** ln;
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

/**
 * scrypt, memory-hard; the default ln=17 (N=131072, r=8, p=1: 128 MiB a hash) is
 * OWASP's recommended minimum. Runs on libuv's thread pool, never on the event loop.
 * Stored as "scrypt$ln=17,r=8,p=1$<salt>$<key>" so the cost can rise later.
 */
export class Passwords {
  private readonly params: Params;

  constructor(log2N: number) {
    this.params = { ln: log2N, r: 8, p: 1 };
  }

  async hash(password: string): Promise<string> {
    const salt = crypto.randomBytes(16);
    const key = await scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options(this.params));
    const { ln, r, p } = this.params;
    return `scrypt$ln=${ln},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /** The stored form of an imported HelpAged-Python hash. */
  static legacy(salt: string, md5Hex: string): string {
    return `legacy-md5$${salt}$${md5Hex.toLowerCase()}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const legacy = LEGACY.exec(stored);
    if (legacy) {
      // exactly as the client sends it, as the old server compared it (no normalisation)
      const actual = crypto.createHash('md5').update(password + legacy[1]!, 'utf8').digest();
      return crypto.timingSafeEqual(actual, Buffer.from(legacy[2]!, 'hex'));
    }
    const m = FORMAT.exec(stored);
    if (!m) return false;
    const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
    const expected = Buffer.from(m[5]!, 'base64');
    const key = await scrypt(password.normalize('NFC'), Buffer.from(m[4]!, 'base64'), expected.length, options(params));
    return crypto.timingSafeEqual(key, expected);
  }

  /** True when a stored hash was made with weaker settings than today's. */
  outdated(stored: string): boolean {
    const m = FORMAT.exec(stored);
    return !m || Number(m[1]) < this.params.ln;
  }
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { TicketStore } from '../../db/tickets.js';
import type { Database } from '../../db/engine.js';
import type { GrantRow, UploadStore } from '../../db/uploads.js';
import { fsyncFile, type DurableDir, type FileStore } from './files.js';
import { randomHex128, safeEqual } from '../shared/index.js';

export const UPLOAD_MODULES = ['avatar', 'upgrade'] as const;
export type UploadModule = (typeof UPLOAD_MODULES)[number];

export interface StoredFile {
  id: string;
  filename: string;
  size: number;
  sha256: string;
}

export type ReceiveResult = { ok: true; file: StoredFile } | { ok: false; why: 'grant' | 'too_large' | 'malformed' };

class TooLarge extends Error {}

/**
 * The HMAC key for upload grants, the same on every instance: UPLOAD_SECRET when set; otherwise on
 * PostgreSQL one made by the first instance and kept in the database, on SQLite one made once per
 * data directory and kept beside the database.
 */
export async function uploadSecret(config: Config, db: Database, tickets: TicketStore, now: number): Promise<Buffer> {
  if (config.uploadSecret) return Buffer.from(config.uploadSecret, 'utf8');
  if (db.dialect === 'sqlite') return loadSecret(config.dataDir);
  const made = crypto.randomBytes(32).toString('hex');
  // the first instance's key wins; the others read it
  await db.transaction((tx) => tickets.put(tx, 'upload-secret', 'grants', made, Number.MAX_SAFE_INTEGER, now));
  const kept = await tickets.peek(db.read, 'upload-secret', 'grants');
  return Buffer.from(kept!.value, 'hex');
}

function loadSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, '.upload-secret');
  try {
    return fs.readFileSync(file);
  } catch {
    const secret = crypto.randomBytes(32);
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return fs.readFileSync(file);
  }
}

/**
 * Two-step uploads (seed 001's getUploadParams, then the upload): file.params
 * hands out a signed, short-lived, single-use grant for one file of a declared
 * size; the multipart POST that presents it is streamed to disk and cut off
 * the moment it passes that size, leaving nothing behind.
 */
export class Uploads {
  constructor(
    private readonly db: Database,
    private readonly store: UploadStore,
    /** Where finished uploads are kept (DATA_DIR/uploads or the bucket). */
    readonly files: FileStore,
    /** Where they are streamed to first: always on the local disk. */
    private readonly local: DurableDir,
    private readonly clock: Clock,
    /** The key grants are signed with, and how long one lasts. */
    private readonly signing: { secret: Buffer; grantSeconds: number },
  ) {}

  private sign(id: string, expires: number): string {
    return crypto.createHmac('sha256', this.signing.secret).update(`${id}.${expires}`).digest('hex');
  }

  async grant(userId: number, module: UploadModule, filename: string, size: number) {
    const id = randomHex128();
    const now = this.clock.now();
    const expires = Math.floor(now / 1000) + this.signing.grantSeconds;
    await this.db.transaction((tx) => this.store.grant(tx, { id, userId, module, filename, size, createdAt: now, expiresAt: expires * 1000 }));
    return { id, form_data: { grant: id, expires: String(expires), signature: this.sign(id, expires) } };
  }

  /** Reads one multipart upload: the grant fields first, then the file field `file`. */
  receive(req: IncomingMessage, maxBytes: number): Promise<ReceiveResult> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (result: ReceiveResult) => {
        if (settled) return;
        settled = true;
        // a refused body is left unread: the route replies before reading it (refuseBody, replyBeforeBody)
        if (!result.ok) req.unpipe(bb);
        resolve(result);
      };
      let bb: busboy.Busboy;
      try {
        bb = busboy({ headers: req.headers, limits: { files: 1, fields: 8, fieldSize: 256, fileSize: maxBytes + 1, parts: 10 } });
      } catch {
        req.resume();
        return resolve({ ok: false, why: 'malformed' });
      }
      const fields: Record<string, string> = {};
      let storing = false;
      let current: NodeJS.ReadableStream & { destroy(err?: Error): void } | null = null;
      // A client that goes away mid-file must not leave a half-written file or a pending promise.
      req.on('close', () => {
        if (!req.complete) current?.destroy(new Error('client went away'));
      });
      bb.on('field', (name, value) => {
        fields[name] = value;
      });
      bb.on('file', (name, stream) => {
        if (name !== 'file') {
          stream.resume();
          return;
        }
        storing = true;
        current = stream;
        this.take(fields).then((grant) => {
          if (!grant) {
            stream.resume();
            return done({ ok: false, why: 'grant' });
          }
          return this.keep(grant, stream).then(done);
        }).catch(() => done({ ok: false, why: 'malformed' }));
      });
      bb.on('error', () => done({ ok: false, why: 'malformed' }));
      bb.on('close', () => {
        if (!storing) done({ ok: false, why: 'malformed' });
      });
      req.pipe(bb);
    });
  }

  /** Checks the signature and uses the grant up, whatever happens to the file. */
  private async take(fields: Record<string, string>): Promise<GrantRow | null> {
    const { grant: id = '', expires = '', signature = '' } = fields;
    const exp = Number(expires);
    if (!/^[0-9a-f]{32}$/.test(id) || !Number.isSafeInteger(exp) || !safeEqual(signature, this.sign(id, exp))) return null;
    const now = this.clock.now();
    if (exp * 1000 <= now) return null;
    return this.db.transaction((tx) => this.store.take(tx, id, now));
  }

  private async keep(grant: GrantRow, stream: NodeJS.ReadableStream): Promise<ReceiveResult> {
    const tmp = this.local.tempPath(grant.id);
    const hash = crypto.createHash('sha256');
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > grant.size) return cb(new TooLarge());
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(stream, limit, fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      await fsyncFile(tmp);
    } catch (err) {
      await fs.promises.unlink(tmp).catch(() => undefined);
      (stream as NodeJS.ReadableStream & { resume(): void }).resume();
      return { ok: false, why: err instanceof TooLarge ? 'too_large' : 'malformed' };
    }
    await this.files.adopt(tmp, grant.id);
    const file = { id: grant.id, userId: grant.userId, module: grant.module, filename: grant.filename, size, sha256: hash.digest('hex'), createdAt: this.clock.now() };
    await this.db.transaction((tx) => this.store.addFile(tx, file));
    return { ok: true, file: { id: file.id, filename: file.filename, size, sha256: file.sha256 } };
  }

  /** An uploaded file of the caller's for `module`, or null. */
  async find(userId: number, fileId: string, module: UploadModule): Promise<StoredFile | null> {
    const row = await this.store.file(this.db.read, userId, fileId, module);
    return row ? { id: row.id, filename: row.filename, size: row.size, sha256: row.sha256 } : null;
  }

  /** Forgets a file once it has been used (moved or copied elsewhere). */
  async release(fileId: string): Promise<void> {
    await this.db.transaction((tx) => this.store.deleteFile(tx, fileId));
    await this.files.remove(fileId);
  }

  /** Staged uploads a crash left behind. */
  async recover(): Promise<number> {
    const left = await this.local.leftovers();
    for (const { staged } of left) await this.local.discard(staged);
    return left.length;
  }
}

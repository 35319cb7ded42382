import crypto from 'node:crypto';
import fsc from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Response } from 'express';

/** The file-system calls that durability rests on; tests swap in a failing disk. */
export interface FileOps {
  /** Writes the whole file and fsyncs it before resolving. */
  writeDurable(file: string, bytes: Buffer): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  fsyncDir(dir: string): Promise<void>;
}

/**
 * Open, write, fsync, close as one chain of callbacks: a camera upload's
 * hot path, where FileHandle and a promise per step cost more than the calls.
 */
function writeAndSync(file: string, bytes: Buffer, flags: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fsc.open(file, flags, 0o600, (err, fd) => {
      if (err) return reject(err);
      const finish = (failure: Error | null) => fsc.close(fd, (closeErr) => (failure ?? closeErr ? reject(failure ?? closeErr) : resolve()));
      let written = 0;
      const step = (writeErr: Error | null, n = 0) => {
        if (writeErr) return finish(writeErr);
        written += n;
        if (written < bytes.length) return fsc.write(fd, bytes, written, bytes.length - written, null, step);
        fsc.fsync(fd, finish);
      };
      step(null);
    });
  });
}

export const realFileOps: FileOps = {
  writeDurable: (file, bytes) => writeAndSync(file, bytes, 'wx'),
  rename: (from, to) => fs.rename(from, to),
  unlink: (file) => fs.unlink(file),
  fsyncDir: (dir) => fsyncFile(dir),
};

export const exists = (file: string) => fs.access(file).then(() => true, () => false);

/** Flushes a file (or a folder's entries) already written by other means to the disk. */
export function fsyncFile(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fsc.open(file, 'r', (err, fd) => {
      if (err) return reject(err);
      fsc.fsync(fd, (syncErr) => fsc.close(fd, (closeErr) => (syncErr ?? closeErr ? reject(syncErr ?? closeErr) : resolve())));
    });
  });
}

/**
 * Where one kind of stored file lives: a folder under DATA_DIR (DurableDir) or, with S3_BUCKET, a prefix
 * of a bucket every instance shares (BucketDir, services/bucket.ts). A file is staged, then placed under
 * its name once its row is committed (or discarded if it is not).
 */
export interface FileStore {
  init(): Promise<void>;
  /** Writes bytes durably under a staging handle; on failure nothing is left behind. */
  stage(name: string, bytes: Buffer): Promise<string>;
  /** Stages a copy of a file on the local disk. */
  stageCopy(name: string, source: string): Promise<string>;
  /** Stages a copy of another store's file (of the same kind of store: folder to folder, bucket to bucket). */
  stageFrom(name: string, source: FileStore, sourceName: string): Promise<string>;
  /** Takes over a finished local file (a two-step upload) as `name`. */
  adopt(local: string, name: string): Promise<void>;
  place(staged: string, name: string): Promise<void>;
  discard(staged: string): Promise<void>;
  remove(name: string): Promise<void>;
  /** The file's bytes; an error with code ENOENT when there is none. */
  read(name: string): Promise<Buffer>;
  readStaged(staged: string): Promise<Buffer>;
  /** Staged files left by a crash: their final name and staging handle. */
  leftovers(): Promise<{ name: string; staged: string }[]>;
  /** Names of files stored before `before` (ms since the epoch): what an orphan sweep may look at. */
  storedBefore(before: number): AsyncIterable<string>;
  /** Answers a GET or HEAD with the file (Range, ETag, Last-Modified); false when there is no such file. */
  send(req: IncomingMessage, res: ServerResponse, name: string, headers: Record<string, string>): Promise<boolean>;
  /** Is the store there (for /health/ready)? */
  ping(): Promise<void>;
}

/**
 * A folder of content-named files written crash-safely: bytes go to
 * `.tmp/` and are fsynced, then renamed into place and the folder fsynced.
 * A reader never sees half a file under its final name.
 */
export class DurableDir implements FileStore {
  readonly tmp: string;

  constructor(readonly root: string, private readonly ops: FileOps = realFileOps, private readonly sharded = true) {
    this.tmp = path.join(root, '.tmp');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.tmp, { recursive: true });
  }

  /** Where `name` lives: sharded by its first two characters so no folder grows huge. */
  pathOf(name: string): string {
    return this.sharded ? path.join(this.root, name.slice(0, 2), name) : path.join(this.root, name);
  }

  /** A fresh temporary path for `name` (for callers that stream into it themselves). */
  tempPath(name: string): string {
    return path.join(this.tmp, `${name}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  }

  /** Writes and fsyncs bytes under a temporary name; on failure nothing is left behind. */
  async stage(name: string, bytes: Buffer): Promise<string> {
    const file = this.tempPath(name);
    try {
      await this.ops.writeDurable(file, bytes);
    } catch (err) {
      await this.ops.unlink(file).catch(() => undefined);
      throw err;
    }
    return file;
  }

  /** Stages a copy of a file already on disk, fsynced like `stage`. */
  async stageCopy(name: string, source: string): Promise<string> {
    const file = this.tempPath(name);
    try {
      await fs.copyFile(source, file);
      await fsyncFile(file);
    } catch (err) {
      await this.ops.unlink(file).catch(() => undefined);
      throw err;
    }
    return file;
  }

  /**
   * Moves a staged file to its final name. If that name exists it holds the
   * same bytes (names are content hashes), and rename swaps it atomically.
   * A shard folder is made on first use: the rename says when it is missing.
   */
  async place(staged: string, name: string): Promise<void> {
    const final = this.pathOf(name);
    try {
      await this.ops.rename(staged, final);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !(await exists(staged))) throw err;
      await fs.mkdir(path.dirname(final), { recursive: true });
      await this.ops.rename(staged, final);
    }
    await this.ops.fsyncDir(path.dirname(final));
  }

  stageFrom(name: string, source: FileStore, sourceName: string): Promise<string> {
    if (source instanceof DurableDir) return this.stageCopy(name, source.pathOf(sourceName));
    return source.read(sourceName).then((bytes) => this.stage(name, bytes));
  }

  /** Moves an fsynced local file (in this folder's .tmp) to its name. */
  async adopt(local: string, name: string): Promise<void> {
    await this.place(local, name);
  }

  async *storedBefore(before: number): AsyncIterable<string> {
    const dirs = this.sharded ? (await fs.readdir(this.root).catch(() => [] as string[])).filter((d) => d !== '.tmp') : [''];
    for (const dir of dirs) {
      for (const name of await fs.readdir(path.join(this.root, dir)).catch(() => [] as string[])) {
        if (name === '.tmp') continue;
        const stat = await fs.stat(path.join(this.root, dir, name)).catch(() => null);
        if (stat?.isFile() && stat.mtimeMs < before) yield name;
      }
    }
  }

  async send(req: IncomingMessage, res: ServerResponse, name: string, headers: Record<string, string>): Promise<boolean> {
    const stat = await fs.stat(this.pathOf(name)).catch(() => null);
    if (!stat?.isFile()) return false;
    // express hands sendFile the app's etag setting (off: replies carry none); this is send's own weak ETag,
    // which it then matches against If-None-Match
    const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    return new Promise((resolve, reject) => {
      (res as Response).sendFile(this.pathOf(name), { dotfiles: 'allow', headers: { ...headers, ETag: etag }, acceptRanges: true, lastModified: true }, (err) => {
        if (!err) return resolve(true);
        const status = (err as Error & { status?: number }).status;
        if (res.headersSent) return resolve(true); // a client that went away mid-file
        if (status === 404) return resolve(false);
        if (status === 416) {
          res.writeHead(416, { ...headers, 'Content-Range': `bytes */${stat.size}` }).end();
          return resolve(true);
        }
        if (status === 412) {
          res.writeHead(412, headers).end();
          return resolve(true);
        }
        reject(err);
      });
    });
  }

  async ping(): Promise<void> {
    await fs.access(this.root);
  }

  async discard(staged: string): Promise<void> {
    await this.ops.unlink(staged).catch(() => undefined);
  }

  async remove(name: string): Promise<void> {
    await this.ops.unlink(this.pathOf(name)).catch(() => undefined);
  }

  read(name: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(name));
  }

  readStaged(staged: string): Promise<Buffer> {
    return fs.readFile(staged);
  }

  /** Staged files left by a crash: their final name and path. */
  async leftovers(): Promise<{ name: string; staged: string }[]> {
    const entries = await fs.readdir(this.tmp).catch(() => [] as string[]);
    return entries.filter((e) => e.endsWith('.tmp')).map((e) => ({ name: e.split('.')[0]!, staged: path.join(this.tmp, e) }));
  }
}

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (creating if needed) the database under dataDir and brings its schema
 * up to date. WAL with synchronous=FULL: a reply that says "stored" survives a
 * crash or a power cut, not only a killed process (camera uploads keep that
 * promise through atomicallyThenSync, with the fsync off the event loop).
 */
export function openDatabase(dataDir: string, file = 'helpaged.sqlite'): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const sqlite = new Database(path.join(dataDir, file));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: MIGRATIONS });
  return db;
}

/** The database under dataDir opened read-only, without migrating (what `import --dry-run` reads); null when there is none. */
export function openReadonly(dataDir: string, file = 'helpaged.sqlite'): Db | null {
  const full = path.join(dataDir, file);
  if (!fs.existsSync(full)) return null;
  return drizzle(new Database(full, { readonly: true, fileMustExist: true }), { schema }) as Db;
}

/**
 * SQLite's online backup of the database under dataDir into `file`: a consistent snapshot taken while
 * the server keeps serving (its own connection, page by page), then checked with integrity_check.
 */
export async function backupDatabase(dataDir: string, file: string, name = 'helpaged.sqlite'): Promise<void> {
  const source = new Database(path.join(dataDir, name), { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(file);
  } finally {
    source.close();
  }
  const copy = new Database(file);
  try {
    const verdict = copy.pragma('integrity_check', { simple: true });
    if (verdict !== 'ok') throw new Error(`the backup failed integrity_check: ${String(verdict)}`);
    copy.pragma('journal_mode = WAL');
  } finally {
    copy.close();
  }
}

class Abort<T> {
  constructor(readonly value: T) {}
}

/**
 * Runs `fn` in one IMMEDIATE transaction. `abort(value)` rolls everything back
 * and makes `atomically` return `value`: an expected failure that leaves
 * nothing half-written. Any thrown error also rolls back, and is rethrown.
 */
export function atomically<T>(db: Db, fn: (abort: (value: T) => never) => T): T {
  const abort = (value: T): never => {
    throw new Abort(value);
  };
  try {
    return db.$client.transaction(() => fn(abort)).immediate();
  } catch (err) {
    if (err instanceof Abort) return err.value as T;
    throw err;
  }
}

/**
 * `atomically`, except that the commit does not wait for the disk on the
 * event loop: the transaction commits with synchronous=NORMAL (written to the
 * WAL, not yet fsynced) and `durable` settles once an fsync of the WAL file,
 * started after that commit, has finished on libuv's pool. A caller that
 * answers only after `durable` keeps synchronous=FULL's promise (the reply
 * survives a power cut) while the loop serves others; commits that arrive
 * while an fsync is running share the next one. Every other transaction still
 * commits with FULL, which flushes these commits too.
 */
export function atomicallyThenSync<T>(db: Db, fn: (abort: (value: T) => never) => T): { value: T; durable: Promise<void> } {
  db.$client.pragma('synchronous = NORMAL');
  let value: T;
  try {
    value = atomically(db, fn);
  } finally {
    db.$client.pragma('synchronous = FULL');
  }
  return { value, durable: walSyncOf(db).sync() };
}

/** Closes the WAL file handle atomicallyThenSync keeps (after the database is closed). */
export function closeWalSync(db: Db): void {
  walSyncs.get(db)?.close();
  walSyncs.delete(db);
}

const walSyncs = new WeakMap<Db, WalSync>();
function walSyncOf(db: Db): WalSync {
  let w = walSyncs.get(db);
  if (!w) walSyncs.set(db, (w = new WalSync(`${db.$client.name}-wal`)));
  return w;
}

/**
 * fsync of the WAL through a handle of our own (fsync flushes a file, not a
 * handle). The WAL is neither deleted nor replaced while a connection is
 * open, so the handle stays good until closeWalSync.
 */
class WalSync {
  private fd: Promise<number> | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly file: string) {}

  /** Settles after an fsync that started after this call. */
  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.flush().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    // the running fsync may have started before the caller's commit: the next one covers it, and everyone else waiting
    this.next ??= this.running.catch(() => undefined).then(() => {
      this.next = null;
      return this.sync();
    });
    return this.next;
  }

  private async flush(): Promise<void> {
    this.fd ??= new Promise<number>((resolve, reject) => fs.open(this.file, 'r+', (err, fd) => {
      if (!err) return resolve(fd);
      this.fd = null;
      reject(err);
    }));
    const fd = await this.fd;
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.fd?.then((fd) => fs.close(fd, () => undefined), () => undefined);
    this.fd = null;
  }
}

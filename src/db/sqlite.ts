import fs from 'node:fs';
import path from 'node:path';
import Database_ from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

import { MIGRATIONS } from '../paths.js';
import { Aborted, newTx, once, type Abort, type Builder, type Database, type Q, type Reader, type Tx } from './engine.js';

type Db = BetterSQLite3Database<typeof schema> & { $client: Database_.Database };

function connect(file: string, options?: Database_.Options): Db {
  const sqlite = new Database_(file, options);
  if (!options?.readonly) {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
  }
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return drizzle(sqlite, { schema }) as Db;
}

/**
 * Opens (creating if needed) the database under dataDir and brings its schema
 * up to date. WAL with synchronous=FULL: a reply that says "stored" survives a
 * crash or a power cut, not only a killed process (camera uploads keep that
 * promise through transactionThenSync, with the fsync off the event loop).
 */
export function openSqlite(dataDir: string, file = 'helpaged.sqlite'): SqliteDatabase {
  fs.mkdirSync(dataDir, { recursive: true });
  const full = path.join(dataDir, file);
  const writer = connect(full);
  migrate(writer, { migrationsFolder: MIGRATIONS.sqlite });
  return new SqliteDatabase(writer, connect(full));
}

/** The database under dataDir opened read-only, without migrating (what `import --dry-run` reads); null when there is none. */
export function openSqliteReadonly(dataDir: string, file = 'helpaged.sqlite'): SqliteDatabase | null {
  const full = path.join(dataDir, file);
  if (!fs.existsSync(full)) return null;
  const ro = connect(full, { readonly: true, fileMustExist: true });
  return new SqliteDatabase(ro, ro);
}

/**
 * SQLite's online backup of the database under dataDir into `file`: a consistent snapshot taken while
 * the server keeps serving (its own connection, page by page), then checked with integrity_check.
 */
export async function backupDatabase(dataDir: string, file: string, name = 'helpaged.sqlite'): Promise<void> {
  const source = new Database_(path.join(dataDir, name), { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(file);
  } finally {
    source.close();
  }
  const copy = new Database_(file);
  try {
    const verdict = copy.pragma('integrity_check', { simple: true });
    if (verdict !== 'ok') throw new Error(`the backup failed integrity_check: ${String(verdict)}`);
    copy.pragma('journal_mode = WAL');
  } finally {
    copy.close();
  }
}

/** How long a transaction may wait for its turn: longer means one is stuck (or was opened inside another). */
const TURN_MS = 30_000;

/**
 * SQLite behind the seam: one connection that writes, in transactions that
 * take turns (BEGIN IMMEDIATE, so another process's writer waits on the busy
 * timeout, not us on it), and one that reads outside them, seeing only what
 * is committed (WAL).
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  readonly t = schema;
  readonly read: Reader;
  private turn: Promise<unknown> = Promise.resolve();
  private readonly wal: WalSync;

  constructor(private readonly writer: Db, private readonly reader: Db) {
    this.read = { q: reader } as unknown as Reader;
    this.wal = new WalSync(`${writer.$client.name}-wal`);
  }

  /** The writing connection's better-sqlite3 handle (backup, admin, benchmarks). */
  get client(): Database_.Database {
    return this.writer.$client;
  }

  transaction<T>(fn: (tx: Tx, abort: Abort<T>) => Promise<T>): Promise<T> {
    return this.inTurn(() => this.body(fn));
  }

  async transactionThenSync<T>(fn: (tx: Tx, abort: Abort<T>) => Promise<T>): Promise<{ value: T; durable: Promise<void> }> {
    const value = await this.inTurn(async () => {
      // committed with synchronous=NORMAL (in the WAL, not yet fsynced); every other commit still flushes with FULL
      this.writer.$client.pragma('synchronous = NORMAL');
      try {
        return await this.body(fn);
      } finally {
        this.writer.$client.pragma('synchronous = FULL');
      }
    });
    return { value, durable: this.wal.sync() };
  }

  affected(result: unknown): number {
    return (result as { changes: number }).changes;
  }

  isUniqueViolation(err: unknown): boolean {
    const e = err as { code?: string; cause?: { code?: string } };
    const code = e?.code ?? e?.cause?.code;
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  }

  async lock(): Promise<void> {}

  async notify(): Promise<void> {}

  async listen(): Promise<void> {}

  async echo(): Promise<void> {
    throw new Error('SQLite has no listening connection');
  }

  async exclusive(_key: 'sweeps', fn: () => Promise<void>): Promise<boolean> {
    await fn();
    return true;
  }

  async ping(): Promise<void> {
    this.reader.$client.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.turn.catch(() => undefined);
    if (this.reader !== this.writer) this.reader.$client.close();
    this.writer.$client.close();
    this.wal.close();
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const mine = this.turn.then(() => work(), () => work());
    this.turn = mine.catch(() => undefined);
    return Promise.race([mine, this.stuck(mine)]);
  }

  private stuck(mine: Promise<unknown>): Promise<never> {
    return new Promise((_, reject) => {
      const timer = setTimeout(() => reject(new Error(`a transaction waited ${TURN_MS / 1000} s for its turn: one is stuck, or was opened inside another`)), TURN_MS);
      timer.unref();
      void mine.finally(() => clearTimeout(timer)).catch(() => undefined);
    });
  }

  private async body<T>(fn: (tx: Tx, abort: Abort<T>) => Promise<T>): Promise<T> {
    const client = this.writer.$client;
    const abort: Abort<T> = (value) => {
      throw new Aborted(value);
    };
    const { tx, committed } = newTx(this.writer as unknown as Tx['q']);
    client.exec('BEGIN IMMEDIATE');
    try {
      const value = await fn(tx, abort);
      client.exec('COMMIT');
      committed();
      return value;
    } catch (err) {
      if (client.inTransaction) client.exec('ROLLBACK');
      if (err instanceof Aborted) return err.value as T;
      throw err;
    }
  }
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

/** A query drizzle built, run straight on better-sqlite3: see `direct`. */
export interface Direct {
  /** Rows changed (insert, update, delete). */
  run(values: Record<string, unknown>): number;
  /** The first row as an object of the query's own keys (select). */
  get<T>(values: Record<string, unknown>): T;
}

/**
 * SQLite's bulk loops (a health batch's rows, a chart's buckets): the SQL text drizzle builds for `build`,
 * prepared once per connection on better-sqlite3 itself and run without drizzle's per-execution work
 * (placeholder filling, result mapping), which costs more than the statement. Placeholders by name,
 * bound as given (so only for columns whose values drizzle does not encode: numbers and text, not
 * booleans or JSON); a select's columns come back under `keys`, in the order the query selects them.
 */
export function direct(q: Q, queryName: string, build: (b: Builder) => { toSQL(): { sql: string; params: unknown[] } }, keys: string[] = []): Direct {
  return once(q, `direct:${queryName}`, (): Direct => {
    const { sql: text, params } = build(q.q).toSQL();
    // an insert's values come as Param(Placeholder), a where's as Placeholder
    const order = params.map((p) => {
      const placeholder = (p as { value?: { name?: string }; name?: string }).value ?? p;
      const name = (placeholder as { name?: string }).name;
      if (name === undefined) throw new Error(`direct ${queryName}: every parameter must be a named placeholder`);
      return name;
    });
    const stmt = (q.q as unknown as Db).$client.prepare(text);
    const args = (values: Record<string, unknown>) => order.map((n) => values[n]);
    const rows = stmt.reader ? stmt.raw(true) : null;
    return {
      run: (values) => stmt.run(...args(values)).changes,
      get: <T>(values: Record<string, unknown>) => {
        const row = rows!.get(...args(values)) as unknown[];
        return Object.fromEntries(keys.map((k, i) => [k, row[i]])) as T;
      },
    };
  });
}

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
 * crash or a power cut, not only a killed process.
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

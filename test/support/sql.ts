import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import type { Database } from '../../src/db/engine.js';
import { SqliteDatabase } from '../../src/db/sqlite.js';

/** Raw SQL for tests, on whichever engine the server runs: `?` placeholders, rows as plain objects. */
export interface Sql {
  get<T = any>(text: string, ...params: unknown[]): Promise<T>;
  all<T = any>(text: string, ...params: unknown[]): Promise<T[]>;
  run(text: string, ...params: unknown[]): Promise<void>;
}

/** What an engine offers tests beyond the seam: its own connection, to look at and tamper with what is stored. */
export interface RawAccess {
  rawAll(text: string, params: unknown[]): Promise<Record<string, unknown>[]>;
}

export function sqlOf(db: Database): Sql {
  const all = async (text: string, params: unknown[]): Promise<any[]> => {
    if (db instanceof SqliteDatabase) {
      const stmt = db.client.prepare(text);
      if (!stmt.reader) {
        stmt.run(...params);
        return [];
      }
      return stmt.all(...params);
    }
    let n = 0;
    const rows = await (db as unknown as RawAccess).rawAll(text.replace(/\?/g, () => `$${++n}`), params);
    // booleans as SQLite gives them (0 and 1), so that one assertion holds on both engines
    return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v])));
  };
  return {
    get: async (text, ...params) => (await all(text, params))[0],
    all: (text, ...params) => all(text, params),
    run: async (text, ...params) => {
      await all(text, params);
    },
  };
}

/**
 * The database a server on `env` (DATA_DIR, DATABASE_URL) uses, opened by the test itself, and whether
 * it is intact: SQLite's integrity_check, or on PostgreSQL that it answers and has no invalid index.
 */
export async function openStored(env: Record<string, string>): Promise<{ sql: Sql; intact(): Promise<boolean>; close(): Promise<void> }> {
  const db = await openDatabase(loadConfig(env));
  const sql = sqlOf(db);
  return {
    sql,
    async intact() {
      if (db instanceof SqliteDatabase) return db.client.pragma('integrity_check', { simple: true }) === 'ok';
      return (await sql.get<{ n: number }>('select count(*) n from pg_index where not indisvalid')).n === 0;
    },
    close: () => db.close(),
  };
}

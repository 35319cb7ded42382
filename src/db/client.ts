import type { Logger } from '../log.js';
import type { Database } from './engine.js';
import { DatabaseConfigError, describeUrl, openPostgres } from './postgres.js';
import { openSqlite, openSqliteReadonly } from './sqlite.js';

export interface DatabaseConfig {
  dataDir: string;
  databaseUrl: string;
  pgPoolSize: number;
}

/**
 * The engine the configuration names: PostgreSQL when DATABASE_URL is set, else SQLite under DATA_DIR
 * (the embedded default). Throws DatabaseConfigError (one line) when PostgreSQL cannot be used.
 */
export async function openDatabase(config: DatabaseConfig, log?: Logger): Promise<Database> {
  if (!config.databaseUrl) return openSqlite(config.dataDir);
  return openPostgres(config.databaseUrl, {
    poolSize: config.pgPoolSize,
    onIdleError: (err) => log?.warn('database connection lost: the pool reconnects on the next query', { err: err.message }),
  });
}

/**
 * The configured database for reading only (`import --dry-run`), neither created nor migrated: SQLite
 * opened read-only, PostgreSQL without its migrations; null when there is none yet (no file, or a
 * database that never held our schema).
 */
export async function openForReading(config: DatabaseConfig): Promise<Database | null> {
  if (!config.databaseUrl) return openSqliteReadonly(config.dataDir);
  const db = await openPostgres(config.databaseUrl, { poolSize: 2, migrate: false });
  if (await db.migrated()) return db;
  await db.close();
  return null;
}

/** Where the configured database is, for messages (never with a password). */
export function databaseName(config: DatabaseConfig): string {
  return config.databaseUrl ? describeUrl(config.databaseUrl) : config.dataDir;
}

/** For commands: `open`'s database, or null after one line on stderr saying why it cannot be used. */
export async function orSay<T>(open: Promise<T>): Promise<T | null> {
  try {
    return await open;
  } catch (err) {
    if (!(err instanceof DatabaseConfigError)) throw err;
    process.stderr.write(`configuration error: ${err.message}\n`);
    return null;
  }
}

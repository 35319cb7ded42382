import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { MIGRATIONS } from '../paths.js';
import { Aborted, DatabaseUnavailable, newTx, type Abort, type Builder, type Database, type Reader, type Tables, type Tx } from './engine.js';
import * as pgSchema from './schema.pg.js';
import { CHANNEL, Listener, type ListenHandlers } from './pg-listener.js';

/** Advisory lock keys (one bigint space per database): migrations at start, notice inserts, sweeps (one instance at a time). */
const LOCKS = { migrations: 7_201_000, notices: 7_201_001, sweeps: 7_201_002 } as const;

/** int8 columns (millisecond times, counts) as numbers: every one of ours is far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export class DatabaseConfigError extends Error {}

function lostWhileCheckedOut(): void {}

/** A pool whose failures to connect say so (DatabaseUnavailable), so that requests answer -200 and the cause is logged. */
class Pool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(cb: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(cb?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    if (cb) return super.connect((err, client, done) => cb(err && new DatabaseUnavailable(`PostgreSQL unreachable: ${err.message}`, { cause: err }), client, done));
    return super.connect().catch((err: Error) => {
      throw new DatabaseUnavailable(`PostgreSQL unreachable: ${err.message}`, { cause: err });
    });
  }
}

export interface PostgresOptions {
  /** Connections in the pool. */
  poolSize: number;
  /** Called when an idle connection fails (the server went away): logged, the pool replaces it. */
  onIdleError?: (err: Error) => void;
  /** false: only read (`import --dry-run`): the schema is neither created nor migrated. */
  migrate?: boolean;
}

/**
 * PostgreSQL behind the seam, through node-postgres: a pool; each
 * transaction on a connection of its own (drizzle's `transaction`), reads
 * outside transactions on any connection. Commits are durable when they
 * return. A lost server fails the queries of that moment (-200) and the
 * pool reconnects on the next ones.
 */
export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly t = pgSchema as unknown as Tables;
  readonly read: Reader;

  private listener: Listener | null = null;
  /** One query builder per connection, so that hot queries are built once per connection (see `hot`). */
  private readonly builders = new WeakMap<pg.PoolClient, Builder>();

  constructor(private readonly pool: pg.Pool, private readonly d: NodePgDatabase<typeof pgSchema>, private readonly url: string) {
    this.read = { q: d as unknown as Builder } as unknown as Reader;
  }

  /**
   * One transaction on a connection of its own. Not drizzle's `transaction`: that one never hands the
   * connection back when its `begin` fails (a connection lost just as it was checked out), so every
   * outage shrank the pool by one for good, until requests queued forever. Here the connection goes
   * back in every case, and is dropped when it could not roll back.
   */
  async transaction<T>(fn: (tx: Tx, abort: Abort<T>) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let q = this.builders.get(client);
    if (!q) this.builders.set(client, (q = drizzle(client) as unknown as Builder));
    const handle = newTx(q);
    let broken: Error | undefined;
    let value: T;
    try {
      await client.query('begin');
      try {
        value = await fn(handle.tx, (v) => {
          throw new Aborted(v);
        });
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch((e: Error) => {
          broken = e;
        });
        if (err instanceof Aborted) return err.value as T;
        throw err;
      }
    } finally {
      client.release(broken); // pg-pool drops a connection that failed on its own
    }
    handle.committed();
    return value;
  }

  async transactionThenSync<T>(fn: (tx: Tx, abort: Abort<T>) => Promise<T>): Promise<{ value: T; durable: Promise<void> }> {
    return { value: await this.transaction(fn), durable: Promise.resolve() };
  }

  affected(result: unknown): number {
    return (result as { rowCount: number | null }).rowCount ?? 0;
  }

  isUniqueViolation(err: unknown): boolean {
    const e = err as { code?: string; cause?: { code?: string } };
    return (e?.code ?? e?.cause?.code) === '23505';
  }

  async lock(tx: Tx, key: 'notices'): Promise<void> {
    await (tx.q as unknown as NodePgDatabase).execute(sql`select pg_advisory_xact_lock(${LOCKS[key]})`);
  }

  async notify(tx: Tx | null, payload: string): Promise<void> {
    const q = sql`select pg_notify(${CHANNEL}, ${payload})`;
    if (tx) await (tx.q as unknown as NodePgDatabase).execute(q);
    else await this.d.execute(q);
  }

  async listen(handlers: ListenHandlers): Promise<void> {
    if (this.listener) throw new Error('already listening');
    this.listener = new Listener(this.url, handlers);
    await this.listener.start();
  }

  async echo(payload: string): Promise<void> {
    if (!this.listener) throw new Error('not listening');
    await this.listener.echo(payload);
  }

  async exclusive(key: 'sweeps', fn: () => Promise<void>): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LOCKS[key]]);
      if (!rows[0]!.ok) return false;
      try {
        await fn();
      } finally {
        await client.query('select pg_advisory_unlock($1)', [LOCKS[key]]);
      }
      return true;
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('select 1');
  }

  async close(): Promise<void> {
    await this.listener?.stop();
    await this.pool.end();
  }

  /** Has this database ever been migrated (does it hold our schema)? */
  async migrated(): Promise<boolean> {
    return (await this.pool.query<{ t: string | null }>(`select to_regclass('drizzle.__drizzle_migrations')::text as t`)).rows[0]!.t !== null;
  }

  /** Raw rows for tests (test/support/sql.ts): never used by the server. */
  async rawAll(text: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    return (await this.pool.query(text, params)).rows;
  }
}

/** Where a DATABASE_URL points, without its password: for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return '(unparsable)';
  }
}

/**
 * Connects to DATABASE_URL, checks that it answers and brings its schema up to date under an advisory
 * lock (instances starting together take turns; the second finds nothing to do). A URL that does not
 * parse, a server that cannot be reached and refused credentials throw DatabaseConfigError with one line.
 */
export async function openPostgres(url: string, options: PostgresOptions): Promise<PostgresDatabase> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseConfigError('DATABASE_URL does not parse as a URL (postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DatabaseConfigError(`DATABASE_URL must start with postgres:// (got ${parsed.protocol}//)`);
  }
  const pool = new Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    // a statement or an idle transaction that hangs gives its connection back instead of holding it forever
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
    application_name: 'helpaged-server',
    // short queries only: JIT compiling one (its cost estimate can be high, e.g. a chart's 720 ranges) took
    // 160 ms on top of 13 ms of execution
    options: '-c jit=off',
    types,
  });
  pool.on('error', (err) => options.onIdleError?.(err));
  // A checked-out connection has no listener of the pool's: one that the server ends between two queries
  // of a transaction would otherwise crash the process. Its next query fails instead (-200), and the pool
  // drops it when it is released.
  pool.on('acquire', (client) => client.on('error', lostWhileCheckedOut));
  pool.on('release', (_err, client) => client.off('error', lostWhileCheckedOut));
  const client = await pool.connect().catch(async (err: DatabaseUnavailable) => {
    await pool.end().catch(() => undefined);
    const cause = (err.cause as Error | undefined)?.message ?? err.message;
    throw new DatabaseConfigError(`DATABASE_URL ${describeUrl(url)}: cannot connect: ${cause}`);
  });
  if (options.migrate === false) {
    client.release();
    return new PostgresDatabase(pool, drizzle(pool, { schema: pgSchema }), url);
  }
  try {
    await client.query('select pg_advisory_lock($1)', [LOCKS.migrations]);
    try {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS.postgres });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [LOCKS.migrations]);
    }
  } catch (err) {
    client.release();
    await pool.end().catch(() => undefined);
    throw new DatabaseConfigError(`DATABASE_URL ${describeUrl(url)}: migrating the schema failed: ${(err as Error).message}`);
  }
  client.release();
  return new PostgresDatabase(pool, drizzle(pool, { schema: pgSchema }), url);
}

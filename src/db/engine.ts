import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { SQL } from 'drizzle-orm';
import type * as schema from './schema.js';

/**
 * The storage seam. Every query lives in a store under src/db/; stores are
 * handed a `Database` and each of their methods takes, as its first argument,
 * what it runs on: `Tx` (a transaction in progress, the only handle a write
 * accepts) or `Q` (a transaction or `db.read`, for reads). A write meant to
 * be inside a transaction cannot silently run outside it: there is no
 * handle that writes outside one.
 *
 * Stores are written once for both engines. They are typed against the
 * SQLite schema (src/db/schema.ts); on PostgreSQL the same calls run on
 * drizzle's pg builder over src/db/schema.pg.ts, whose tables, columns and
 * value types are the same (test/db/schema.test.ts). So stores use only what
 * both builders have: queries are awaited (never `.get()`, `.all()` or
 * `.run()`), single rows are `[0]`, affected rows come from `db.affected`,
 * and what differs (locks, unique violations) goes through this interface.
 */
export type Builder = BaseSQLiteDatabase<'sync', unknown, typeof schema>;
export type Tables = typeof schema;
export type Dialect = 'sqlite' | 'postgres';

declare const txBrand: unique symbol;
declare const readBrand: unique symbol;

/** A transaction in progress: what every write takes. */
export interface Tx {
  readonly [txBrand]: true;
  readonly q: Builder;
  /**
   * Runs `fn` once the transaction has committed (not at all if it rolls back): where caches are
   * dropped and streams told, so that nobody reads, and caches, the state from before the commit.
   */
  after(fn: () => void): void;
}

/** Reads outside any transaction (on SQLite a connection of their own, seeing only what is committed). */
export interface Reader {
  readonly [readBrand]: true;
  readonly q: Builder;
}

/** Where a read runs: inside a transaction (seeing its writes) or outside. */
export type Q = Tx | Reader;

export type Abort<T> = (value: T) => never;

export interface Database {
  readonly dialect: Dialect;
  readonly t: Tables;
  readonly read: Reader;
  /**
   * Runs `fn` in one transaction, committed when it resolves. `abort(value)`
   * rolls back and makes `transaction` resolve to `value` (an expected
   * failure that leaves nothing half-written); a throw rolls back and is
   * rethrown. On SQLite transactions take turns (one writer); `fn` must not
   * wait on anything but its queries, and must not open another transaction.
   */
  transaction<T>(fn: (tx: Tx, abort: Abort<T>) => Promise<T>): Promise<T>;
  /**
   * `transaction`, except that the caller may answer once `durable` has
   * settled instead of waiting for the commit's flush on the event loop
   * (SQLite: the WAL is fsynced off the loop, commits arriving meanwhile share
   * it; PostgreSQL: the commit itself is durable, `durable` is settled).
   */
  transactionThenSync<T>(fn: (tx: Tx, abort: Abort<T>) => Promise<T>): Promise<{ value: T; durable: Promise<void> }>;
  /** Rows an insert, update or delete without `returning` touched. */
  affected(result: unknown): number;
  /** Was this error a unique-constraint violation? */
  isUniqueViolation(err: unknown): boolean;
  /**
   * Serialises the transactions that take the same `key` (until they end):
   * notice inserts take 'notices', so that notice ids (the SSE event ids that
   * streams resume from) become visible in the order they were given out.
   * A no-op on SQLite, where transactions take turns anyway.
   */
  lock(tx: Tx, key: 'notices'): Promise<void>;
  /**
   * Wakes the other instances: with `tx`, when it commits (PostgreSQL's NOTIFY is sent with the commit,
   * never for a rollback); with null, now. A no-op on SQLite, which serves one instance.
   */
  notify(tx: Tx | null, payload: string): Promise<void>;
  /**
   * Hands every other instance's wake-up to `onPayload`, from one connection of its own that is
   * reconnected when lost. `onGap` runs when that connection is lost (wake-ups from then on are missed)
   * and `onBack` once it listens again. On SQLite nothing ever arrives.
   */
  listen(handlers: { onPayload(payload: string): void; onGap(err: Error): void; onBack(): void }): Promise<void>;
  /**
   * Sends `payload` to this instance's own `onPayload`, as a notification on the listening connection:
   * PostgreSQL queues notifications in commit order, so it arrives after every wake-up committed before
   * it was sent. Rejects while that connection is down; never used on SQLite (one instance).
   */
  echo(payload: string): Promise<void>;
  /**
   * Runs `fn` unless another instance is running work under the same `key` (PostgreSQL: a session
   * advisory lock, tried and not waited for); false when it was skipped. SQLite: always runs it.
   */
  exclusive(key: 'sweeps', fn: () => Promise<void>): Promise<boolean>;
  /** A trivial query: is the database there? */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What `abort(value)` throws to roll a transaction back; the engine turns it into its result. */
export class Aborted<T> {
  constructor(readonly value: T) {}
}

/** A transaction handle on `q` whose `after` callbacks the engine runs at commit. */
export function newTx(q: Builder): { tx: Tx; committed(): void } {
  const callbacks: (() => void)[] = [];
  const tx = { q, after: (fn: () => void) => void callbacks.push(fn) } as unknown as Tx;
  return {
    tx,
    committed() {
      for (const fn of callbacks) fn();
    },
  };
}

const perConnection = new WeakMap<object, Map<string, unknown>>();

/** What `make` makes for this connection handle under `name`, made once and kept (prepared statements). */
export function once<T>(q: Q, name: string, make: () => T): T {
  let byName = perConnection.get(q.q);
  if (!byName) perConnection.set(q.q, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, make());
  return byName.get(name) as T;
}

/**
 * A prepared query, made once per connection handle (`build` receives the
 * handle) and kept: the hot paths' statements. `name` must be unique per
 * query text (PostgreSQL prepares it under that name on each connection).
 */
export function hot<P extends { execute(values?: Record<string, unknown>): unknown }>(q: Q, name: string, build: (b: Builder) => { prepare(): P }): P {
  // drizzle's SQLite prepare() takes no name, its PostgreSQL prepare(name) one
  return once(q, `drizzle:${name}`, () => (build(q.q) as unknown as { prepare(name: string): P }).prepare(name));
}

/** Awaits a prepared query's result (sync on SQLite, a promise on PostgreSQL). */
export async function run<T>(p: { execute(values?: Record<string, unknown>): unknown }, values?: Record<string, unknown>): Promise<T> {
  return (await p.execute(values)) as T;
}

/**
 * Did this error come from the database (a failed query, a lost or refused connection) rather than from
 * our code? Such failures answer -200.
 */
export function isDatabaseError(err: unknown): boolean {
  for (let e = err as { name?: string; code?: unknown; severity?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.name === 'DrizzleQueryError' || e instanceof DatabaseUnavailable) return true;
    if (typeof e.code === 'string' && e.code.startsWith('SQLITE')) return true;
    if (typeof e.severity === 'string') return true; // a PostgreSQL error reply
    // node-postgres losing its connection mid-query
    if (e instanceof Error && /^Connection terminated|^Client has encountered a connection error|^Client was closed and is not queryable/.test(e.message)) return true;
  }
  return false;
}

/** The engine cannot reach its database (refused, lost, timed out). */
export class DatabaseUnavailable extends Error {}

/** The rows of a raw statement (`sql```), on either engine. */
export async function rawRows(db: Database, q: Q, query: SQL): Promise<Record<string, unknown>[]> {
  return db.dialect === 'sqlite'
    ? (q.q as unknown as { all(query: SQL): Record<string, unknown>[] }).all(query)
    : (await (q.q as unknown as { execute(query: SQL): Promise<{ rows: Record<string, unknown>[] }> }).execute(query)).rows;
}

/** Runs a raw statement (`sql```) that returns no rows, on either engine. */
export async function rawRun(db: Database, q: Q, query: SQL): Promise<void> {
  if (db.dialect === 'sqlite') (q.q as unknown as { run(query: SQL): unknown }).run(query);
  else await (q.q as unknown as { execute(query: SQL): Promise<unknown> }).execute(query);
}

import { and, count, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { hot, run, type Database, type Q, type Tx } from './engine.js';

export interface SampleRow {
  type: string;
  ts: number;
  source: string;
  value: number;
  value2: number | null;
}

export interface Aggregate {
  n: number;
  s: number | null;
  lo: number | null;
  hi: number | null;
  s2: number | null;
  lo2: number | null;
  hi2: number | null;
}

/** Rows per INSERT: 6 parameters each, well under SQLite's 32,766 and PostgreSQL's 65,535. */
const CHUNK = 1000;

/** Wearable samples. */
export class HealthStore {
  constructor(private readonly db: Database) {}

  /** Stores what is not there yet (same account, type, second and source); returns how many were new. */
  async insert(tx: Tx, userId: number, rows: SampleRow[]): Promise<number> {
    let stored = 0;
    if (this.db.dialect === 'sqlite') {
      // in-process: a prepared row at a time beats building one statement of thousands of parameters
      const p = (name: string) => sql.placeholder(name);
      const stmt = hot(tx, 'health_insert', (b) => b.insert(this.db.t.healthSamples)
        .values({ userId: p('userId'), type: p('type'), ts: p('ts'), source: p('source'), value: p('value'), value2: p('value2') }).onConflictDoNothing());
      // SQLite's statements are synchronous: a loop without an await per row (the transaction holds the writer anyway)
      for (const r of rows) stored += this.db.affected(stmt.run({ userId, ...r }));
      return stored;
    }
    // over the network: a round trip per chunk
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK).map((r) => ({ userId, ...r }));
      stored += this.db.affected(await tx.q.insert(this.db.t.healthSamples).values(chunk).onConflictDoNothing());
    }
    return stored;
  }

  /** count, sum, min and max of both values over each [from, to) seconds. */
  async aggregates(q: Q, userId: number, type: string, ranges: [from: number, to: number][]): Promise<Aggregate[]> {
    const stmt = this.aggregateStmt(q);
    // SQLite: one synchronous statement per range, no await between them; PostgreSQL: a round trip each
    if (this.db.dialect === 'sqlite') return ranges.map(([from, to]) => stmt.get({ user: userId, type, from, to })!);
    const out: Aggregate[] = [];
    for (const [from, to] of ranges) out.push((await run<Aggregate[]>(stmt, { user: userId, type, from, to }))[0]!);
    return out;
  }

  private aggregateStmt(q: Q) {
    const h = this.db.t.healthSamples;
    const num = (c: SQL) => sql<number | null>`${c}`.mapWith(Number);
    const p = (name: string) => sql.placeholder(name);
    return hot(q, 'health_aggregate', (b) => b.select({
      n: count(), s: num(sql`sum(${h.value})`), lo: num(sql`min(${h.value})`), hi: num(sql`max(${h.value})`),
      s2: num(sql`sum(${h.value2})`), lo2: num(sql`min(${h.value2})`), hi2: num(sql`max(${h.value2})`),
    }).from(h).where(and(eq(h.userId, p('user')), eq(h.type, p('type')), gte(h.ts, p('from')), lt(h.ts, p('to')))));
  }
}

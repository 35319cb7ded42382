import { and, count, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Builder, Database, Q, Tx } from './engine.js';
import { direct } from './sqlite.js';

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
      // in-process: a prepared row at a time beats building one statement of thousands of parameters,
      // synchronously (the transaction holds the one writer anyway)
      const p = (name: string) => sql.placeholder(name);
      const stmt = direct(tx, 'health_insert', (b) => b.insert(this.db.t.healthSamples)
        .values({ userId: p('userId'), type: p('type'), ts: p('ts'), source: p('source'), value: p('value'), value2: p('value2') }).onConflictDoNothing());
      for (const r of rows) stored += stmt.run({ userId, ...r });
      return stored;
    }
    // over the network: one statement per chunk, its rows as six arrays (unnest) rather than thousands of parameters
    const h = this.db.t.healthSamples;
    const names = sql.join([h.userId, h.type, h.ts, h.source, h.value, h.value2].map((c) => sql.identifier(c.name)), sql`, `);
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      // one parameter each (a bare array in sql`` would be spread into a list)
      const column = <K extends keyof SampleRow>(k: K) => sql.param(chunk.map((r) => r[k]));
      const result = await (tx.q as unknown as { execute(query: SQL): Promise<unknown> }).execute(sql`
        insert into ${h} (${names})
        select ${userId}::integer, * from unnest(${column('type')}::text[], ${column('ts')}::bigint[], ${column('source')}::text[],
          ${column('value')}::double precision[], ${column('value2')}::double precision[])
        on conflict do nothing`);
      stored += this.db.affected(result);
    }
    return stored;
  }

  /** count, sum, min and max of both values over each [from, to) seconds. */
  async aggregates(q: Q, userId: number, type: string, ranges: [from: number, to: number][]): Promise<Aggregate[]> {
    // SQLite: one synchronous statement per range, no await between them
    if (this.db.dialect === 'sqlite') {
      const stmt = direct(q, 'health_aggregate', (b) => this.aggregateQuery(b), Object.keys(this.aggregateColumns()));
      return ranges.map(([from, to]) => stmt.get<Aggregate>({ user: userId, type, from, to }));
    }
    // PostgreSQL: every range in one round trip, the ranges as two arrays
    const h = this.db.t.healthSamples;
    const { rows } = await (q.q as unknown as { execute(query: SQL): Promise<{ rows: Aggregate[] }> }).execute(sql`
      select a.* from unnest(${sql.param(ranges.map((r) => r[0]))}::bigint[], ${sql.param(ranges.map((r) => r[1]))}::bigint[]) with ordinality as r(f, t, i)
      cross join lateral (
        select count(*)::integer as n, sum(${h.value}) as s, min(${h.value}) as lo, max(${h.value}) as hi,
          sum(${h.value2}) as s2, min(${h.value2}) as lo2, max(${h.value2}) as hi2
        from ${h} where ${h.userId} = ${userId} and ${h.type} = ${type} and ${h.ts} >= r.f and ${h.ts} < r.t
      ) a
      order by r.i`);
    return rows;
  }

  private aggregateColumns() {
    const h = this.db.t.healthSamples;
    const num = (c: SQL) => sql<number | null>`${c}`.mapWith(Number);
    return {
      n: count(), s: num(sql`sum(${h.value})`), lo: num(sql`min(${h.value})`), hi: num(sql`max(${h.value})`),
      s2: num(sql`sum(${h.value2})`), lo2: num(sql`min(${h.value2})`), hi2: num(sql`max(${h.value2})`),
    };
  }

  private aggregateQuery(b: Builder) {
    const h = this.db.t.healthSamples;
    const p = (name: string) => sql.placeholder(name);
    return b.select(this.aggregateColumns()).from(h).where(and(eq(h.userId, p('user')), eq(h.type, p('type')), gte(h.ts, p('from')), lt(h.ts, p('to'))));
  }
}

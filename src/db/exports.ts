import { and, asc, desc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

export type ExportState = 'pending' | 'building' | 'ready' | 'taken' | 'failed' | 'expired';

export interface ExportRow {
  id: string;
  userId: number;
  state: ExportState;
  createdAt: number;
  readyAt: number | null;
  keyHash: string | null;
  expiresAt: number | null;
  bytes: number | null;
}

/** Data exports (schema.ts, `data_exports`), and the rows an account's export is made of. */
export class ExportStore {
  constructor(private readonly db: Database) {}

  private get e() {
    return this.db.t.dataExports;
  }

  private cols() {
    const e = this.e;
    return { id: e.id, userId: e.userId, state: e.state, createdAt: e.createdAt, readyAt: e.readyAt, keyHash: e.keyHash, expiresAt: e.expiresAt, bytes: e.bytes };
  }

  async insert(tx: Tx, id: string, userId: number, now: number): Promise<void> {
    await tx.q.insert(this.e).values({ id, userId, state: 'pending', createdAt: now });
  }

  async byId(q: Q, id: string): Promise<ExportRow | undefined> {
    return (await q.q.select(this.cols()).from(this.e).where(eq(this.e.id, id)))[0] as ExportRow | undefined;
  }

  /** The account's exports made since `since`, newest first. */
  async recent(q: Q, userId: number, since: number): Promise<ExportRow[]> {
    return await q.q.select(this.cols()).from(this.e).where(and(eq(this.e.userId, userId), gte(this.e.createdAt, since))).orderBy(desc(this.e.createdAt)) as ExportRow[];
  }

  /** Takes a pending export (or one whose builder went quiet before `staleBefore`) to build; false when another has it. */
  async claim(tx: Tx, id: string, now: number, staleBefore: number): Promise<boolean> {
    const e = this.e;
    return this.db.affected(await tx.q.update(e).set({ state: 'building', claimedAt: now })
      .where(and(eq(e.id, id), or(eq(e.state, 'pending'), and(eq(e.state, 'building'), lt(e.claimedAt, staleBefore)))))) === 1;
  }

  /** Exports to build: pending ones, and builds that went quiet before `staleBefore` (their instance stopped). */
  async unbuilt(q: Q, staleBefore: number): Promise<string[]> {
    const e = this.e;
    return (await q.q.select({ id: e.id }).from(e).where(or(eq(e.state, 'pending'), and(eq(e.state, 'building'), lt(e.claimedAt, staleBefore))))
      .orderBy(asc(e.createdAt)).limit(20)).map((r) => r.id);
  }

  async finish(tx: Tx, id: string, state: 'ready' | 'failed', bytes: number | null, now: number): Promise<boolean> {
    const e = this.e;
    return this.db.affected(await tx.q.update(e).set({ state, bytes, readyAt: now }).where(and(eq(e.id, id), eq(e.state, 'building')))) === 1;
  }

  /** A fresh download key (its hash) for a ready export, good until `expiresAt`; any earlier key stops working. */
  async issueKey(tx: Tx, id: string, keyHash: string, expiresAt: number): Promise<boolean> {
    const e = this.e;
    return this.db.affected(await tx.q.update(e).set({ keyHash, expiresAt }).where(and(eq(e.id, id), eq(e.state, 'ready')))) === 1;
  }

  /** The download: a ready export whose key this is, before it expires, becomes taken (once, across instances). */
  async take(tx: Tx, id: string, keyHash: string, now: number): Promise<boolean> {
    const e = this.e;
    return this.db.affected(await tx.q.update(e).set({ state: 'taken', keyHash: null })
      .where(and(eq(e.id, id), eq(e.state, 'ready'), eq(e.keyHash, keyHash), sql`${e.expiresAt} > ${now}`))) === 1;
  }

  /** Ready exports nobody downloaded since before `before`: they expire (their files go). */
  async expire(tx: Tx, before: number): Promise<string[]> {
    const e = this.e;
    const ids = (await tx.q.select({ id: e.id }).from(e).where(and(eq(e.state, 'ready'), lt(e.readyAt, before))).limit(500)).map((r) => r.id);
    if (ids.length) await tx.q.update(e).set({ state: 'expired', keyHash: null }).where(inArray(e.id, ids));
    return ids;
  }

  /** Ids of an account's exports (to remove their files when it is deleted). */
  async idsOf(q: Q, userId: number): Promise<string[]> {
    return (await q.q.select({ id: this.e.id }).from(this.e).where(eq(this.e.userId, userId))).map((r) => r.id);
  }

  /** The account's read marks: which fall, when. */
  async readMarks(q: Q, userId: number): Promise<{ eventId: string; readAt: number }[]> {
    const { noticeReads: r, notices: n } = this.db.t;
    return q.q.select({ eventId: n.eventId, readAt: r.readAt }).from(r).innerJoin(n, eq(n.id, r.noticeId)).where(eq(r.userId, userId)).orderBy(asc(r.readAt));
  }

  async healthSamples(q: Q, userId: number): Promise<{ type: string; ts: number; source: string; value: number; value2: number | null }[]> {
    const h = this.db.t.healthSamples;
    return q.q.select({ type: h.type, ts: h.ts, source: h.source, value: h.value, value2: h.value2 }).from(h).where(eq(h.userId, userId)).orderBy(asc(h.type), asc(h.ts));
  }
}

import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

export interface AuditEntry {
  at: number;
  kind: string;
  actorId: number | null;
  actor: string;
  targetId: number | null;
  target: string;
  deviceId: string | null;
  ip: string;
  rid: string;
  detail: string | null;
}

export interface AuditFilter {
  /** Entries where this account acted or was acted on. */
  userId?: number;
  deviceId?: string;
  kind?: string;
  from?: number;
  to?: number;
}

/** The audit trail's rows (schema.ts, `audit_log`): appended, listed newest first, swept when old. Never updated. */
export class AuditStore {
  constructor(private readonly db: Database) {}

  async append(tx: Tx, entry: AuditEntry): Promise<void> {
    await tx.q.insert(this.db.t.auditLog).values(entry);
  }

  private where(f: AuditFilter): SQL | undefined {
    const a = this.db.t.auditLog;
    const parts: (SQL | undefined)[] = [];
    if (f.userId !== undefined) parts.push(or(eq(a.actorId, f.userId), eq(a.targetId, f.userId)));
    if (f.deviceId !== undefined) parts.push(eq(a.deviceId, f.deviceId));
    if (f.kind !== undefined) parts.push(eq(a.kind, f.kind));
    if (f.from !== undefined) parts.push(gte(a.at, f.from));
    if (f.to !== undefined) parts.push(lte(a.at, f.to));
    return parts.length ? and(...parts) : undefined;
  }

  async list(q: Q, f: AuditFilter, limit: number, offset: number): Promise<{ total: number; rows: AuditEntry[] }> {
    const a = this.db.t.auditLog;
    const where = this.where(f);
    const [count] = await q.q.select({ n: sql<number>`count(*)` }).from(a).where(where);
    const rows = await q.q.select({
      at: a.at, kind: a.kind, actorId: a.actorId, actor: a.actor, targetId: a.targetId, target: a.target,
      deviceId: a.deviceId, ip: a.ip, rid: a.rid, detail: a.detail,
    }).from(a).where(where).orderBy(desc(a.at), desc(a.id)).limit(limit).offset(offset);
    return { total: Number(count?.n ?? 0), rows };
  }

  /** Removes up to `batch` entries older than `before`; how many went. */
  async sweep(tx: Tx, before: number, batch: number): Promise<number> {
    const a = this.db.t.auditLog;
    const old = tx.q.select({ id: a.id }).from(a).where(lt(a.at, before)).orderBy(a.at).limit(batch);
    return this.db.affected(await tx.q.delete(a).where(sql`${a.id} in (${old})`));
  }
}

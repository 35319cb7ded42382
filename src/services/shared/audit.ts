import type { Clock } from '../../clock.js';
import type { AuditEntry, AuditFilter, AuditStore } from '../../db/audit.js';
import type { Database, Q, Tx } from '../../db/engine.js';
import { maskPhone } from './phones.js';

/** Who is acting, as a request knows it: the signed-in account (if any), the client address and the request id. */
export interface Actor {
  user: { id: number; phone: string } | null;
  ip: string;
  requestId: string;
}

/** What was acted on: an account (id and phone), a camera (its device_id), or a label (a fall's event id, a session). */
export interface AuditTarget {
  user?: { id: number; phone: string } | null;
  deviceId?: string | null;
  label?: string;
}

/** The kinds of entries, one per audited action. */
export const AUDIT_KINDS = [
  'signin', 'signin.failed', 'signout', 'session.revoke', 'signup',
  'password.change', 'password.reset', 'phone.change', 'account.delete', 'account.export',
  'device.add', 'device.bind', 'device.unbind', 'device.claim', 'device.alerts', 'device.oncall', 'device.pause', 'device.resume', 'device.drill',
  'notice.ack', 'notice.verdict', 'notice.resident', 'callback.refused',
  'admin.grant', 'admin.revoke', 'admin.update', 'admin.signout', 'admin.delete',
  'upgrade.upload', 'upgrade.delete',
] as const;

export type AuditKind = (typeof AUDIT_KINDS)[number];

/** An entry as audit.list answers it. */
export interface PublicAuditEntry {
  at: string;
  kind: string;
  actor: string;
  target: string;
  ip: string;
  rid: string;
  device_id: string | null;
  detail: Record<string, unknown> | null;
}

/** Entries removed per transaction by the sweep. */
const SWEEP_BATCH = 5_000;

/**
 * The audit trail: one entry per audited action, written in the action's own transaction (an action
 * that rolls back leaves none). Accounts are shown by their masked phone, as it was when they acted.
 */
export class AuditLog {
  constructor(private readonly db: Database, private readonly store: AuditStore, private readonly clock: Clock, private readonly retentionDays: number) {}

  async record(tx: Tx, who: Actor, kind: AuditKind, target: AuditTarget = {}, detail?: Record<string, unknown>): Promise<void> {
    const entry: AuditEntry = {
      at: this.clock.now(),
      kind,
      actorId: who.user?.id ?? null,
      actor: who.user ? maskPhone(who.user.phone) : '-',
      targetId: target.user?.id ?? null,
      target: target.user ? maskPhone(target.user.phone) : (target.label ?? target.deviceId ?? '-'),
      deviceId: target.deviceId ?? null,
      ip: who.ip,
      rid: who.requestId,
      detail: detail === undefined ? null : JSON.stringify(detail),
    };
    await this.store.append(tx, entry);
  }

  /** `record` in a transaction of its own: for actions that write nothing else (a failed sign-in). */
  recordNow(who: Actor, kind: AuditKind, target: AuditTarget = {}, detail?: Record<string, unknown>): Promise<void> {
    return this.db.transaction((tx) => this.record(tx, who, kind, target, detail));
  }

  async list(q: Q, filter: AuditFilter, limit: number, offset: number, format: (ms: number) => string): Promise<{ total: number; list: PublicAuditEntry[] }> {
    const { total, rows } = await this.store.list(q, filter, limit, offset);
    return {
      total,
      list: rows.map((r) => ({
        at: format(r.at), kind: r.kind, actor: r.actor, target: r.target, ip: r.ip, rid: r.rid,
        device_id: r.deviceId, detail: r.detail === null ? null : JSON.parse(r.detail) as Record<string, unknown>,
      })),
    };
  }

  /** Removes entries older than AUDIT_RETENTION_DAYS (0 keeps them forever), in batches; how many went. */
  async sweep(): Promise<number> {
    if (this.retentionDays <= 0) return 0;
    const before = this.clock.now() - this.retentionDays * 86_400_000;
    let removed = 0;
    for (;;) {
      const n = await this.db.transaction((tx) => this.store.sweep(tx, before, SWEEP_BATCH));
      removed += n;
      if (n < SWEEP_BATCH) return removed;
    }
  }
}

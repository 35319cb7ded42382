import type { AuditKind, PublicAuditEntry, Services } from '../services/index.js';
import { parseWhen } from '../services/devices/index.js';
import type { Config } from '../config.js';

/** audit.list's data, on /admin/user and on /user/session. */
export interface AuditQuery {
  phone?: string;
  device_id?: string;
  kind?: AuditKind;
  from?: number | string;
  to?: number | string;
  limit?: number;
  offset?: number;
}

/** The entries audit.list answers with; null when from/to do not read as times, or from is after to. */
export async function auditList(
  s: Pick<Services, 'audit' | 'read' | 'noticeView'> & { config: Config },
  data: AuditQuery,
  userId: number | undefined,
): Promise<{ total: number; list: PublicAuditEntry[] } | null> {
  const tz = s.config.noticeTimezone;
  const from = data.from === undefined ? undefined : parseWhen(tz, data.from);
  const to = data.to === undefined ? undefined : parseWhen(tz, data.to);
  if (from === null || to === null || (from !== undefined && to !== undefined && from > to)) return null;
  return s.audit.list(s.read, { userId, deviceId: data.device_id, kind: data.kind, from, to }, data.limit ?? 50, data.offset ?? 0, (ms) => s.noticeView.createtime(ms));
}

import { and, asc, count, desc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { bindings, devices, noticeReads, notices } from './schema.js';

export type Mode = 0 | 1 | 2;

export interface NoticeRow {
  id: number;
  eventId: string;
  content: string;
  device: string;
  picName: string;
  imageType: string;
  createdAt: number;
  photoOk: number;
  /** The camera's row id (devices.id). */
  deviceRowId: number;
  ackPhone: string | null;
  ackAt: number | null;
}

const row = {
  id: notices.id, eventId: notices.eventId, content: notices.content, device: devices.name,
  picName: notices.picName, imageType: notices.imageType, createdAt: notices.createdAt,
  photoOk: notices.photoOk, deviceRowId: notices.deviceId, ackPhone: notices.ackPhone, ackAt: notices.ackAt,
};

/** Notices as an account sees them: those of its bound devices, with its own read marks. */
export class NoticeStore {
  private readonly listStmts;
  private readonly countStmts;
  private readonly insertStmt;

  constructor(private readonly db: Db) {
    const user = sql.placeholder('user');
    const readFilter = (mode: Mode) => (mode === 0 ? isNull(noticeReads.noticeId) : mode === 1 ? isNotNull(noticeReads.noticeId) : undefined);
    const visibleTo = and(eq(bindings.deviceId, notices.deviceId), eq(bindings.userId, user));
    const readBy = and(eq(noticeReads.noticeId, notices.id), eq(noticeReads.userId, user));
    this.listStmts = ([0, 1, 2] as const).map((mode) => db.select(row).from(notices)
      .innerJoin(bindings, visibleTo).innerJoin(devices, eq(devices.id, notices.deviceId)).leftJoin(noticeReads, readBy)
      .where(readFilter(mode)).orderBy(desc(notices.id))
      .limit(sql.placeholder('limit')).offset(sql.placeholder('offset')).prepare());
    this.countStmts = ([0, 1, 2] as const).map((mode) => db.select({ n: count() }).from(notices)
      .innerJoin(bindings, visibleTo).leftJoin(noticeReads, readBy).where(readFilter(mode)).prepare());
    const p = (name: string) => sql.placeholder(name);
    this.insertStmt = db.insert(notices).values({
      eventId: p('eventId'), deviceId: p('deviceId'), content: p('content'), picName: p('picName'), imageType: p('imageType'), createdAt: p('createdAt'),
      photoOk: p('photoOk'),
    }).returning({ id: notices.id }).prepare();
  }

  insert(values: { eventId: string; deviceId: number; content: string; picName: string; imageType: string; createdAt: number; photoOk: number }): number {
    return this.insertStmt.get(values)!.id;
  }

  /** Newest first. */
  list(userId: number, mode: Mode, limit = -1, offset = 0): NoticeRow[] {
    return this.listStmts[mode]!.all({ user: userId, limit, offset });
  }

  count(userId: number, mode: Mode): number {
    return this.countStmts[mode]!.get({ user: userId })!.n;
  }

  /** One notice, if the account may see it. */
  visible(userId: number, eventId: string): (NoticeRow & { read: boolean }) | undefined {
    const found = this.db.select({ ...row, readAt: noticeReads.readAt }).from(notices)
      .innerJoin(bindings, and(eq(bindings.deviceId, notices.deviceId), eq(bindings.userId, userId)))
      .innerJoin(devices, eq(devices.id, notices.deviceId))
      .leftJoin(noticeReads, and(eq(noticeReads.noticeId, notices.id), eq(noticeReads.userId, userId)))
      .where(eq(notices.eventId, eventId)).get();
    if (!found) return undefined;
    const { readAt, ...rest } = found;
    return { ...rest, read: readAt !== null };
  }

  /** false when the account had already read it. */
  markRead(userId: number, noticeId: number, now: number): boolean {
    return this.db.insert(noticeReads).values({ userId, noticeId, readAt: now }).onConflictDoNothing().run().changes === 1;
  }

  /** For a stream resuming after `afterId`: oldest first. */
  since(userId: number, afterId: number, limit: number): NoticeRow[] {
    return this.db.select(row).from(notices)
      .innerJoin(bindings, and(eq(bindings.deviceId, notices.deviceId), eq(bindings.userId, userId)))
      .innerJoin(devices, eq(devices.id, notices.deviceId))
      .where(gt(notices.id, afterId)).orderBy(asc(notices.id)).limit(limit).all();
  }

  /** Records the first acknowledgement; false if the notice already had one. */
  acknowledge(noticeId: number, phone: string, now: number): boolean {
    return this.db.update(notices).set({ ackPhone: phone, ackAt: now })
      .where(and(eq(notices.id, noticeId), isNull(notices.ackAt))).run().changes === 1;
  }

  acknowledgement(noticeId: number): { phone: string; at: number } | null {
    const found = this.db.select({ phone: notices.ackPhone, at: notices.ackAt }).from(notices).where(eq(notices.id, noticeId)).get();
    return found?.at != null ? { phone: found.phone!, at: found.at } : null;
  }

  /** Counts alert messages the provider accepted for the notice. */
  countSent(noticeId: number, n: number): void {
    if (n > 0) this.db.update(notices).set({ alertsSent: sql`${notices.alertsSent} + ${n}` }).where(eq(notices.id, noticeId)).run();
  }

  alertsSent(noticeId: number): number {
    return this.db.select({ n: notices.alertsSent }).from(notices).where(eq(notices.id, noticeId)).get()?.n ?? 0;
  }

  referenced(picName: string): boolean {
    return !!this.db.select({ id: notices.id }).from(notices).where(eq(notices.picName, picName)).limit(1).get();
  }
}

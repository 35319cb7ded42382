import { eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { devices, notices, portraits, users } from './schema.js';

/**
 * Writes of `npm run import` (HelpAged-Python's data). Every insert keeps
 * what is already there, so a second or resumed run adds nothing twice.
 */
export class LegacyStore {
  constructor(private readonly db: Db) {}

  /** The new user's id, or null when the phone is already here. */
  insertUser(u: { phone: string; passwordHash: string; name: string | null; nickname: string | null; email: string | null; level: number; role: 'user' | 'admin'; createdAt: number }): number | null {
    return this.db.insert(users).values({ ...u, updatedAt: u.createdAt }).onConflictDoNothing({ target: users.phone })
      .returning({ id: users.id }).get()?.id ?? null;
  }

  userId(phone: string): number | undefined {
    return this.db.select({ id: users.id }).from(users).where(eq(users.phone, phone)).get()?.id;
  }

  /** 'added', 'present' (same id and name), or 'conflict' (the id or the name belongs to another device). */
  insertDevice(deviceId: string, name: string, now: number): 'added' | 'present' | 'conflict' {
    const added = this.db.insert(devices).values({ deviceId, name, createdAt: now }).onConflictDoNothing().returning({ id: devices.id }).get();
    if (added) return 'added';
    const same = this.db.select({ name: devices.name }).from(devices).where(eq(devices.deviceId, deviceId)).get();
    return same?.name === name ? 'present' : 'conflict';
  }

  deviceByName(name: string): { id: number } | undefined {
    return this.db.select({ id: devices.id }).from(devices).where(eq(devices.name, name)).get();
  }

  noticeByEvent(eventId: string): { id: number; createdAt: number } | undefined {
    return this.db.select({ id: notices.id, createdAt: notices.createdAt }).from(notices).where(eq(notices.eventId, eventId)).get();
  }

  /** The new notice's id, or null when the event id is already here. */
  insertNotice(n: { eventId: string; deviceId: number; content: string; picName: string; imageType: string; createdAt: number; photoOk: number }): number | null {
    return this.db.insert(notices).values(n).onConflictDoNothing({ target: notices.eventId }).returning({ id: notices.id }).get()?.id ?? null;
  }

  hasPortrait(userId: number): boolean {
    return !!this.db.select({ userId: portraits.userId }).from(portraits).where(eq(portraits.userId, userId)).get();
  }
}

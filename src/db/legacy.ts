import { eq } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';
import type { NewNotice } from './notices.js';

/**
 * Writes of `npm run import` (HelpAged-Python's data). Every insert keeps
 * what is already there, so a second or resumed run adds nothing twice.
 */
export class LegacyStore {
  constructor(private readonly db: Database) {}

  /** The new user's id, or null when the phone is already here. */
  async insertUser(tx: Tx, u: { phone: string; passwordHash: string; name: string | null; nickname: string | null; email: string | null; level: number; role: 'user' | 'admin'; createdAt: number }): Promise<number | null> {
    const { users } = this.db.t;
    const [added] = await tx.q.insert(users).values({ ...u, updatedAt: u.createdAt }).onConflictDoNothing({ target: users.phone }).returning({ id: users.id });
    return added?.id ?? null;
  }

  async userId(q: Q, phone: string): Promise<number | undefined> {
    const { users } = this.db.t;
    return (await q.q.select({ id: users.id }).from(users).where(eq(users.phone, phone)))[0]?.id;
  }

  /** 'added', 'present' (same id and name), or 'conflict' (the id or the name belongs to another device). */
  async insertDevice(tx: Tx, deviceId: string, name: string, now: number): Promise<'added' | 'present' | 'conflict'> {
    const { devices } = this.db.t;
    const [added] = await tx.q.insert(devices).values({ deviceId, name, createdAt: now }).onConflictDoNothing().returning({ id: devices.id });
    if (added) return 'added';
    const [same] = await tx.q.select({ name: devices.name }).from(devices).where(eq(devices.deviceId, deviceId));
    return same?.name === name ? 'present' : 'conflict';
  }

  async deviceByName(q: Q, name: string): Promise<{ id: number } | undefined> {
    const { devices } = this.db.t;
    return (await q.q.select({ id: devices.id }).from(devices).where(eq(devices.name, name)))[0];
  }

  async noticeByEvent(q: Q, eventId: string): Promise<{ id: number; createdAt: number } | undefined> {
    const { notices } = this.db.t;
    return (await q.q.select({ id: notices.id, createdAt: notices.createdAt }).from(notices).where(eq(notices.eventId, eventId)))[0];
  }

  /** The new notice's id, or null when the event id is already here. Takes the notice lock, as uploads do. */
  async insertNotice(tx: Tx, n: NewNotice): Promise<number | null> {
    await this.db.lock(tx, 'notices');
    const { notices } = this.db.t;
    const [added] = await tx.q.insert(notices).values(n).onConflictDoNothing({ target: notices.eventId }).returning({ id: notices.id });
    return added?.id ?? null;
  }

  async hasPortrait(q: Q, userId: number): Promise<boolean> {
    const { portraits } = this.db.t;
    return (await q.q.select({ userId: portraits.userId }).from(portraits).where(eq(portraits.userId, userId))).length > 0;
  }
}

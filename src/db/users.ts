import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { users } from './schema.js';

export interface Profile {
  phone: string;
  name: string | null;
  nickname: string | null;
  email: string | null;
  level: number;
}

export interface UserRow extends Profile {
  id: number;
  passwordHash: string;
  role: 'user' | 'admin';
}

export type ProfileChange = Partial<Pick<Profile, 'name' | 'nickname' | 'email' | 'level'>>;

const profile = {
  phone: users.phone,
  name: users.name,
  nickname: users.nickname,
  email: users.email,
  level: users.level,
};

const row = { ...profile, id: users.id, passwordHash: users.passwordHash, role: users.role };

export class UserStore {
  private readonly byIdStmt;
  private readonly byPhoneStmt;

  constructor(private readonly db: Db) {
    this.byIdStmt = db.select(row).from(users).where(eq(users.id, sql.placeholder('id'))).prepare();
    this.byPhoneStmt = db.select(row).from(users).where(eq(users.phone, sql.placeholder('phone'))).prepare();
  }

  byId(id: number): UserRow | undefined {
    return this.byIdStmt.get({ id });
  }

  byPhone(phone: string): UserRow | undefined {
    return this.byPhoneStmt.get({ phone });
  }

  /** Returns the new id, or null when the phone is taken. */
  create(phone: string, passwordHash: string, now: number): number | null {
    const inserted = this.db.insert(users)
      .values({ phone, passwordHash, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: users.phone })
      .returning({ id: users.id })
      .get();
    return inserted?.id ?? null;
  }

  update(id: number, change: ProfileChange, now: number): void {
    this.db.update(users).set({ ...change, updatedAt: now }).where(eq(users.id, id)).run();
  }

  setPassword(id: number, passwordHash: string, now: number): void {
    this.db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, id)).run();
  }

  /** false when the phone is taken. */
  setPhone(id: number, phone: string, now: number): boolean {
    try {
      this.db.update(users).set({ phone, updatedAt: now }).where(eq(users.id, id)).run();
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw err;
    }
  }

  setRole(id: number, role: 'user' | 'admin', now: number): void {
    this.db.update(users).set({ role, updatedAt: now }).where(eq(users.id, id)).run();
  }

  /** Tokens and codes go with the row (ON DELETE CASCADE). */
  delete(id: number): boolean {
    return this.db.delete(users).where(eq(users.id, id)).run().changes > 0;
  }

  list(): Profile[] {
    return this.db.select(profile).from(users).orderBy(asc(users.phone)).all();
  }

  profile(id: number): Profile | undefined {
    return this.db.select(profile).from(users).where(eq(users.id, id)).get();
  }
}

/** The profile keys present in an update request; absent keys stay as they are, null clears. */
export function profileChange(data: ProfileChange & Record<string, unknown>): ProfileChange {
  const change: ProfileChange = {};
  if (data.name !== undefined) change.name = data.name;
  if (data.nickname !== undefined) change.nickname = data.nickname;
  if (data.email !== undefined) change.email = data.email;
  if (data.level !== undefined) change.level = data.level;
  return change;
}

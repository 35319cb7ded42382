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

export interface Identity {
  id: number;
  phone: string;
  role: 'user' | 'admin';
}

/** How long an authenticated call may trust a remembered phone and role (the admin CLI writes from another process). */
const IDENTITY_MS = 2000;

export class UserStore {
  private readonly byIdStmt;
  private readonly byPhoneStmt;
  private readonly identities = new Map<number, Identity & { at: number }>();

  constructor(private readonly db: Db) {
    this.byIdStmt = db.select(row).from(users).where(eq(users.id, sql.placeholder('id'))).prepare();
    this.byPhoneStmt = db.select(row).from(users).where(eq(users.phone, sql.placeholder('phone'))).prepare();
  }

  /** Phone and role for token checks, re-read at most every 2 s and at once after a change made here. */
  identity(id: number): Identity | undefined {
    const now = Date.now();
    const known = this.identities.get(id);
    if (known && now - known.at < IDENTITY_MS) return known;
    const row = this.byIdStmt.get({ id });
    if (!row) {
      this.identities.delete(id);
      return undefined;
    }
    if (this.identities.size >= 100_000) this.identities.clear();
    const identity = { id: row.id, phone: row.phone, role: row.role, at: now };
    this.identities.set(id, identity);
    return identity;
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
    this.identities.delete(id);
    this.db.update(users).set({ ...change, updatedAt: now }).where(eq(users.id, id)).run();
  }

  setPassword(id: number, passwordHash: string, now: number): void {
    this.identities.delete(id);
    this.db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, id)).run();
  }

  /** false when the phone is taken. */
  setPhone(id: number, phone: string, now: number): boolean {
    this.identities.delete(id);
    try {
      this.db.update(users).set({ phone, updatedAt: now }).where(eq(users.id, id)).run();
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw err;
    }
  }

  setRole(id: number, role: 'user' | 'admin', now: number): void {
    this.identities.delete(id);
    this.db.update(users).set({ role, updatedAt: now }).where(eq(users.id, id)).run();
  }

  /** Tokens and codes go with the row (ON DELETE CASCADE). */
  delete(id: number): boolean {
    this.identities.delete(id);
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

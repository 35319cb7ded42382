import { asc, eq, sql } from 'drizzle-orm';
import { hot, run, type Database, type Q, type Tx } from './engine.js';

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

export interface Identity {
  id: number;
  phone: string;
  role: 'user' | 'admin';
}

/** How long an authenticated call may trust a remembered phone and role (the admin CLI writes from another process). */
const IDENTITY_MS = 2000;

export class UserStore {
  private readonly identities = new Map<number, Identity & { at: number }>();

  /**
   * Told inside the transaction of accounts whose phone, role or existence changes; by default their
   * identities are dropped here at commit (services/index.ts wires it to the Bus, which tells every instance).
   */
  onChange: (tx: Tx, ids: number[]) => Promise<void> = async (tx, ids) => tx.after(() => this.forget(ids));

  constructor(private readonly db: Database) {}

  /** Drops remembered identities. */
  forget(ids: number[] | 'all'): void {
    if (ids === 'all') this.identities.clear();
    else for (const id of ids) this.identities.delete(id);
  }

  private get u() {
    return this.db.t.users;
  }

  private rowCols() {
    const u = this.u;
    return { phone: u.phone, name: u.name, nickname: u.nickname, email: u.email, level: u.level, id: u.id, passwordHash: u.passwordHash, role: u.role };
  }

  /** Phone and role for token checks, re-read at most every 2 s and at once after a change made here. */
  async identity(id: number): Promise<Identity | undefined> {
    const now = Date.now();
    const known = this.identities.get(id);
    if (known && now - known.at < IDENTITY_MS) return known;
    const [row] = await run<UserRow[]>(hot(this.db.read, 'users_by_id', (b) => b.select(this.rowCols()).from(this.u).where(eq(this.u.id, sql.placeholder('id')))), { id });
    if (!row) {
      this.identities.delete(id);
      return undefined;
    }
    if (this.identities.size >= 100_000) this.identities.clear();
    const identity = { id: row.id, phone: row.phone, role: row.role, at: now };
    this.identities.set(id, identity);
    return identity;
  }

  async byPhone(q: Q, phone: string): Promise<UserRow | undefined> {
    const [row] = await run<UserRow[]>(hot(q, 'users_by_phone', (b) => b.select(this.rowCols()).from(this.u).where(eq(this.u.phone, sql.placeholder('phone')))), { phone });
    return row;
  }

  /** Returns the new id, or null when the phone is taken. */
  async create(tx: Tx, phone: string, passwordHash: string, now: number): Promise<number | null> {
    const [inserted] = await tx.q.insert(this.u)
      .values({ phone, passwordHash, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: this.u.phone })
      .returning({ id: this.u.id });
    return inserted?.id ?? null;
  }

  async update(tx: Tx, id: number, change: ProfileChange, now: number): Promise<void> {
    await this.onChange(tx, [id]);
    await tx.q.update(this.u).set({ ...change, updatedAt: now }).where(eq(this.u.id, id));
  }

  async setPassword(tx: Tx, id: number, passwordHash: string, now: number): Promise<void> {
    await this.onChange(tx, [id]);
    await tx.q.update(this.u).set({ passwordHash, updatedAt: now }).where(eq(this.u.id, id));
  }

  /** false when the phone is taken (checked first: on PostgreSQL a failed statement would end the transaction). */
  async setPhone(tx: Tx, id: number, phone: string, now: number): Promise<boolean> {
    await this.onChange(tx, [id]);
    const [holder] = await tx.q.select({ id: this.u.id }).from(this.u).where(eq(this.u.phone, phone));
    if (holder && holder.id !== id) return false;
    try {
      await tx.q.update(this.u).set({ phone, updatedAt: now }).where(eq(this.u.id, id));
      return true;
    } catch (err) {
      if (this.db.isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async setRole(tx: Tx, id: number, role: 'user' | 'admin', now: number): Promise<void> {
    await this.onChange(tx, [id]);
    await tx.q.update(this.u).set({ role, updatedAt: now }).where(eq(this.u.id, id));
  }

  /** Tokens and codes go with the row (ON DELETE CASCADE). */
  async delete(tx: Tx, id: number): Promise<boolean> {
    await this.onChange(tx, [id]);
    return this.db.affected(await tx.q.delete(this.u).where(eq(this.u.id, id))) > 0;
  }

  async list(q: Q): Promise<Profile[]> {
    const u = this.u;
    return q.q.select({ phone: u.phone, name: u.name, nickname: u.nickname, email: u.email, level: u.level }).from(u).orderBy(asc(u.phone));
  }

  async profile(q: Q, id: number): Promise<Profile | undefined> {
    const u = this.u;
    const [row] = await q.q.select({ phone: u.phone, name: u.name, nickname: u.nickname, email: u.email, level: u.level }).from(u).where(eq(u.id, id));
    return row;
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

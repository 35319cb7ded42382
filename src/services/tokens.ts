import NodeCache from 'node-cache';
import { and, desc, eq, isNull, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { tokens } from '../db/schema.js';
import { randomHex128, sha256Hex } from './random.js';

export const MAX_TOKENS_PER_USER = 10;
const TOKEN_FORMAT = /^[0-9a-f]{32}$/;

export interface TokenSettings {
  idleSeconds: number;
  enduringSeconds: number;
  touchWriteSeconds: number;
}

interface Entry {
  id: number;
  userId: number;
  enduring: boolean;
  expiresAt: number | null;
  lastUsedAt: number;
  persistedAt: number;
}

/** The client a token was issued to (login's optional `device`). */
export interface Terminal {
  deviceNo: string;
  deviceName?: string | null;
  deviceBrand?: string | null;
  deviceModel?: string | null;
  platId?: number | null;
}

export interface Session {
  id: number;
  deviceNo: string | null;
  deviceName: string | null;
  deviceBrand: string | null;
  deviceModel: string | null;
  platId: number | null;
  enduring: boolean;
  createdAt: number;
  lastUsedAt: number;
}

export interface TokenOwner {
  tokenId: number;
  userId: number;
}

/**
 * Login tokens: 128 random bits, stored only as sha256. The idle clock lives in
 * memory and reaches the database at most once per `touch` interval, so an
 * authenticated call costs no write. A crash can lose at most that interval of
 * idle-clock progress (a token may then die up to that much early, never late).
 */
export class TokenService {
  private readonly cache: NodeCache;
  private readonly idleMs: number;
  private readonly touchMs: number;
  private readonly byHash;

  constructor(private readonly db: Db, private readonly clock: Clock, private readonly settings: TokenSettings) {
    this.idleMs = settings.idleSeconds * 1000;
    this.touchMs = Math.min(settings.touchWriteSeconds * 1000, Math.floor(this.idleMs / 10));
    this.cache = new NodeCache({
      stdTTL: Math.ceil((this.idleMs + this.touchMs) / 1000) + 60,
      checkperiod: 120,
      useClones: false,
      maxKeys: 200_000,
    });
    this.byHash = db.select({
      id: tokens.id, userId: tokens.userId, enduring: tokens.enduring,
      expiresAt: tokens.expiresAt, lastUsedAt: tokens.lastUsedAt,
    }).from(tokens).where(eq(tokens.tokenHash, sql.placeholder('hash'))).prepare();
  }

  /** Issues a token; an account keeps at most ten, the oldest dropped first. */
  issue(userId: number, enduring: boolean, terminal?: Terminal): string {
    const token = randomHex128();
    const now = this.clock.now();
    this.db.transaction((tx) => {
      tx.insert(tokens).values({
        userId, tokenHash: sha256Hex(token), enduring, createdAt: now, lastUsedAt: now,
        expiresAt: enduring ? now + this.settings.enduringSeconds * 1000 : null,
        deviceNo: terminal?.deviceNo ?? null, deviceName: terminal?.deviceName ?? null, deviceBrand: terminal?.deviceBrand ?? null,
        deviceModel: terminal?.deviceModel ?? null, platId: terminal?.platId ?? null,
      }).run();
      this.deleteWhere(tx as unknown as Db, and(eq(tokens.userId, userId), this.deadCondition(now)));
      const keep = tx.select({ id: tokens.id }).from(tokens).where(eq(tokens.userId, userId))
        .orderBy(desc(tokens.createdAt), desc(tokens.id)).limit(MAX_TOKENS_PER_USER).all().map((r) => r.id);
      this.deleteWhere(tx as unknown as Db, and(eq(tokens.userId, userId), notInArray(tokens.id, keep)));
    });
    return token;
  }

  /** The token's owner, restarting its idle clock; null when unknown, malformed or dead. */
  authenticate(token: string): TokenOwner | null {
    if (!TOKEN_FORMAT.test(token)) return null;
    const hash = sha256Hex(token);
    const now = this.clock.now();
    let entry = this.cache.get<Entry>(hash);
    if (!entry) {
      const row = this.byHash.get({ hash });
      if (!row) return null;
      entry = { ...row, persistedAt: row.lastUsedAt };
      this.remember(hash, entry);
    }
    const dead = entry.enduring ? now >= (entry.expiresAt ?? 0) : now - entry.lastUsedAt >= this.idleMs;
    if (dead) {
      this.deleteWhere(this.db, eq(tokens.id, entry.id));
      return null;
    }
    entry.lastUsedAt = now;
    if (now - entry.persistedAt >= this.touchMs) {
      this.db.update(tokens).set({ lastUsedAt: now }).where(eq(tokens.id, entry.id)).run();
      entry.persistedAt = now;
      this.remember(hash, entry);
    }
    return { tokenId: entry.id, userId: entry.userId };
  }

  /** false when the account has no such live token. */
  revoke(tokenId: number, userId?: number): boolean {
    const cond = userId === undefined ? eq(tokens.id, tokenId) : and(eq(tokens.id, tokenId), eq(tokens.userId, userId));
    return this.deleteWhere(this.db, cond) > 0;
  }

  /** The account's live tokens, newest first, with the idle clock as it is in memory. */
  sessions(userId: number): Session[] {
    const now = this.clock.now();
    return this.db.select().from(tokens).where(eq(tokens.userId, userId)).orderBy(desc(tokens.createdAt), desc(tokens.id)).all()
      .map((row) => {
        const lastUsedAt = Math.max(row.lastUsedAt, this.cache.get<Entry>(row.tokenHash)?.lastUsedAt ?? 0);
        return { row, lastUsedAt };
      })
      .filter(({ row, lastUsedAt }) => (row.enduring ? now < (row.expiresAt ?? 0) : now - lastUsedAt < this.idleMs))
      .map(({ row, lastUsedAt }) => ({
        id: row.id, enduring: row.enduring, createdAt: row.createdAt, lastUsedAt,
        deviceNo: row.deviceNo, deviceName: row.deviceName, deviceBrand: row.deviceBrand, deviceModel: row.deviceModel, platId: row.platId,
      }));
  }

  /** Ends every token of the account but `keepTokenId` (a password change keeps the caller's). */
  revokeUser(userId: number, keepTokenId?: number): void {
    const cond = keepTokenId === undefined
      ? eq(tokens.userId, userId)
      : and(eq(tokens.userId, userId), ne(tokens.id, keepTokenId));
    this.deleteWhere(this.db, cond);
  }

  /** Deletes tokens that are certainly dead; run from a timer. */
  sweep(): number {
    return this.deleteWhere(this.db, this.deadCondition(this.clock.now()));
  }

  /** Writes every idle clock that moved since its last write: at shutdown. */
  flush(): void {
    const dirty = this.cache.keys()
      .map((k) => this.cache.get<Entry>(k))
      .filter((e): e is Entry => !!e && e.lastUsedAt > e.persistedAt);
    if (dirty.length === 0) return;
    const stmt = this.db.$client.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?');
    this.db.$client.transaction(() => {
      for (const e of dirty) {
        stmt.run(e.lastUsedAt, e.id);
        e.persistedAt = e.lastUsedAt;
      }
    })();
  }

  close(): void {
    this.flush();
    this.cache.close();
  }

  /** Dead for sure even if the in-memory clock ran up to one touch interval ahead of the row. */
  private deadCondition(now: number) {
    return or(
      and(eq(tokens.enduring, true), lte(tokens.expiresAt, now)),
      and(eq(tokens.enduring, false), isNull(tokens.expiresAt), lte(tokens.lastUsedAt, now - this.idleMs - this.touchMs)),
    );
  }

  private deleteWhere(db: Db, cond: ReturnType<typeof and>): number {
    const gone = db.delete(tokens).where(cond).returning({ hash: tokens.tokenHash }).all();
    if (gone.length) this.cache.del(gone.map((g) => g.hash));
    return gone.length;
  }

  private remember(hash: string, entry: Entry): void {
    const ttl = entry.enduring ? 3600 : undefined;
    try {
      if (ttl === undefined) this.cache.set(hash, entry);
      else this.cache.set(hash, entry, ttl);
    } catch {
      // cache full: this token is served from the database until room frees up
    }
  }
}


import NodeCache from 'node-cache';
import type { Clock } from '../clock.js';
import type { Database, Q, Tx } from '../db/engine.js';
import type { TokenStore } from '../db/tokens.js';
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

  constructor(private readonly db: Database, private readonly store: TokenStore, private readonly clock: Clock, private readonly settings: TokenSettings) {
    this.idleMs = settings.idleSeconds * 1000;
    this.touchMs = Math.min(settings.touchWriteSeconds * 1000, Math.floor(this.idleMs / 10));
    this.cache = new NodeCache({
      stdTTL: Math.ceil((this.idleMs + this.touchMs) / 1000) + 60,
      checkperiod: 120,
      useClones: false,
      maxKeys: 200_000,
    });
  }

  /** Issues a token; an account keeps at most ten, the oldest dropped first. */
  async issue(tx: Tx, userId: number, enduring: boolean, terminal?: Terminal): Promise<string> {
    const token = randomHex128();
    const now = this.clock.now();
    await this.store.insert(tx, {
      userId, tokenHash: sha256Hex(token), enduring, createdAt: now, lastUsedAt: now,
      expiresAt: enduring ? now + this.settings.enduringSeconds * 1000 : null,
      deviceNo: terminal?.deviceNo ?? null, deviceName: terminal?.deviceName ?? null, deviceBrand: terminal?.deviceBrand ?? null,
      deviceModel: terminal?.deviceModel ?? null, platId: terminal?.platId ?? null,
    });
    this.forget(await this.store.deleteDead(tx, now, this.idleBefore(now), userId));
    this.forget(await this.store.trim(tx, userId, MAX_TOKENS_PER_USER));
    return token;
  }

  /** The token's owner, restarting its idle clock; null when unknown, malformed or dead. */
  async authenticate(token: string): Promise<TokenOwner | null> {
    if (!TOKEN_FORMAT.test(token)) return null;
    const hash = sha256Hex(token);
    const now = this.clock.now();
    let entry = this.cache.get<Entry>(hash);
    if (!entry) {
      const row = await this.store.byHash(this.db.read, hash);
      if (!row) return null;
      entry = { ...row, persistedAt: row.lastUsedAt };
      this.remember(hash, entry);
    }
    const dead = entry.enduring ? now >= (entry.expiresAt ?? 0) : now - entry.lastUsedAt >= this.idleMs;
    if (dead) {
      const id = entry.id;
      this.forget(await this.db.transaction((tx) => this.store.deleteOne(tx, id)));
      this.cache.del(hash);
      return null;
    }
    entry.lastUsedAt = now;
    if (now - entry.persistedAt >= this.touchMs) {
      entry.persistedAt = now;
      const clock = { id: entry.id, lastUsedAt: now };
      await this.db.transaction((tx) => this.store.touch(tx, [clock]));
      this.remember(hash, entry);
    }
    return { tokenId: entry.id, userId: entry.userId };
  }

  /** false when the account has no such live token. */
  async revoke(tx: Tx, tokenId: number, userId?: number): Promise<boolean> {
    const gone = await this.store.deleteOne(tx, tokenId, userId);
    this.forget(gone);
    return gone.length > 0;
  }

  /** The account's live tokens, newest first, with the idle clock as it is in memory. */
  async sessions(q: Q, userId: number): Promise<Session[]> {
    const now = this.clock.now();
    return (await this.store.forUser(q, userId))
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
  async revokeUser(tx: Tx, userId: number, keepTokenId?: number): Promise<void> {
    this.forget(await this.store.deleteForUser(tx, userId, keepTokenId));
  }

  /** Deletes tokens that are certainly dead; run from a timer. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const gone = await this.db.transaction((tx) => this.store.deleteDead(tx, now, this.idleBefore(now)));
    this.forget(gone);
    return gone.length;
  }

  /** Writes every idle clock that moved since its last write: at shutdown. */
  async flush(): Promise<void> {
    const dirty = this.cache.keys()
      .map((k) => this.cache.get<Entry>(k))
      .filter((e): e is Entry => !!e && e.lastUsedAt > e.persistedAt);
    if (dirty.length === 0) return;
    await this.db.transaction((tx) => this.store.touch(tx, dirty.map((e) => ({ id: e.id, lastUsedAt: e.lastUsedAt }))));
    for (const e of dirty) e.persistedAt = e.lastUsedAt;
  }

  async close(): Promise<void> {
    await this.flush();
    this.cache.close();
  }

  /** Dead for sure even if the in-memory clock ran up to one touch interval ahead of the row. */
  private idleBefore(now: number): number {
    return now - this.idleMs - this.touchMs;
  }

  private forget(hashes: string[]): void {
    if (hashes.length) this.cache.del(hashes);
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

import NodeCache from 'node-cache';
import type { Clock } from '../../clock.js';
import type { Database, Q, Tx } from '../../db/engine.js';
import type { TokenStore } from '../../db/tokens.js';
import { type Bus, randomHex128, sha256Hex } from '../shared/index.js';

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
 *
 * With several instances each keeps its own cache (process-local on purpose):
 * a revocation anywhere wakes every instance (`Bus`), which drops the token at
 * once, and an instance that finds a cached token idle for too long reads the
 * row again before ending it, since another instance may have used it since.
 */
export class TokenService {
  private readonly cache: NodeCache;
  private readonly idleMs: number;
  private readonly touchMs: number;

  constructor(
    private readonly db: Database,
    private readonly store: TokenStore,
    private readonly clock: Clock,
    private readonly settings: TokenSettings,
    private readonly bus: Bus,
  ) {
    this.idleMs = settings.idleSeconds * 1000;
    this.touchMs = Math.min(settings.touchWriteSeconds * 1000, Math.floor(this.idleMs / 10));
    this.cache = new NodeCache({
      stdTTL: Math.ceil((this.idleMs + this.touchMs) / 1000) + 60,
      checkperiod: 120,
      useClones: false,
      maxKeys: 200_000,
    });
    bus.on((wake) => {
      if (wake.k !== 'tokens') return;
      if (wake.hashes === 'all') this.cache.flushAll();
      else this.cache.del(wake.hashes);
    });
    bus.onResync(() => this.cache.flushAll());
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
    await this.forget(tx, [...await this.store.deleteDead(tx, now, this.idleBefore(now), userId), ...await this.store.trim(tx, userId, MAX_TOKENS_PER_USER)]);
    return token;
  }

  /** The token's owner, restarting its idle clock; null when unknown, malformed or dead. */
  async authenticate(token: string): Promise<TokenOwner | null> {
    if (!TOKEN_FORMAT.test(token)) return null;
    const hash = sha256Hex(token);
    const now = this.clock.now();
    let entry = this.bus.live ? this.cache.get<Entry>(hash) : undefined;
    let fresh = false;
    if (!entry) {
      entry = await this.load(hash);
      if (!entry) return null;
      fresh = true;
    }
    if (!fresh && this.dead(entry, now)) {
      // another instance may have used it since this one cached it: its clock is in the row
      entry = await this.load(hash, entry);
      if (!entry) return null;
    }
    if (this.dead(entry, now)) {
      const id = entry.id;
      await this.db.transaction(async (tx) => this.forget(tx, await this.store.deleteOne(tx, id)));
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
    await this.forget(tx, gone);
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
    await this.forget(tx, await this.store.deleteForUser(tx, userId, keepTokenId));
  }

  /**
   * Deletes tokens that are certainly dead; run from a timer. Every instance finds them dead on its own
   * (idle past the idle time plus a touch interval), so only this one's cache is told.
   */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const gone = await this.db.transaction((tx) => this.store.deleteDead(tx, now, this.idleBefore(now)));
    if (gone.length) this.cache.del(gone);
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

  private dead(entry: Entry, now: number): boolean {
    return entry.enduring ? now >= (entry.expiresAt ?? 0) : now - entry.lastUsedAt >= this.idleMs;
  }

  /** The token's row as a cache entry (keeping a newer in-memory clock of `known`), cached; undefined when gone. */
  private async load(hash: string, known?: Entry): Promise<Entry | undefined> {
    const row = await this.store.byHash(this.db.read, hash);
    if (!row) {
      this.cache.del(hash);
      return undefined;
    }
    const entry = { ...row, lastUsedAt: Math.max(row.lastUsedAt, known?.lastUsedAt ?? 0), persistedAt: row.lastUsedAt };
    this.remember(hash, entry);
    return entry;
  }

  /** These tokens are gone once tx commits: dropped from this cache then, and from every other instance's. */
  private async forget(tx: Tx, hashes: string[]): Promise<void> {
    if (hashes.length) await this.bus.send(tx, { k: 'tokens', hashes });
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

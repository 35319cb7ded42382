import type { Clock } from '../../clock.js';
import type { Database, Tx } from '../../db/engine.js';
import type { ThrottleStore } from '../../db/throttles.js';
import type { Logger } from '../../log.js';

interface Window {
  count: number;
  startedAt: number;
}

/** How many keys a Throttle keeps by default: past that it refuses new keys until windows expire. */
export const THROTTLE_CAPACITY = 500_000;

/**
 * Counts events per key in a fixed window kept in memory (lost on restart,
 * which only ever loosens it): failed logins per phone, validation guesses per
 * client address. It fails closed: when it holds `capacity` live windows, a
 * key it does not know is refused until the oldest window expires, so a flood
 * of fresh keys can never switch the limit off for the keys it already counts.
 */
export class Throttle {
  /** Insertion order is start order (a window is re-inserted when it restarts), so the oldest is first. */
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
    private readonly windowSeconds: number,
    private readonly capacity = THROTTLE_CAPACITY,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string): number {
    const w = this.current(key);
    if (w) return w.count < this.max ? 0 : this.secondsLeft(w);
    if (this.max <= 0) return this.windowSeconds;
    if (this.full()) return this.secondsLeft(this.windows.values().next().value!);
    return 0;
  }

  hit(key: string): void {
    const w = this.current(key);
    if (w) {
      w.count++;
      return;
    }
    this.expire();
    if (this.windows.size >= this.capacity) return; // blockedFor refuses this key until there is room
    this.windows.set(key, { count: 1, startedAt: this.clock.now() });
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  /** Live windows held (for tests and stats). */
  get size(): number {
    this.expire();
    return this.windows.size;
  }

  close(): void {
    this.windows.clear();
  }

  private secondsLeft(w: Window): number {
    return Math.max(1, Math.ceil((w.startedAt + this.windowSeconds * 1000 - this.clock.now()) / 1000));
  }

  private full(): boolean {
    if (this.windows.size < this.capacity) return false;
    this.expire();
    return this.windows.size >= this.capacity;
  }

  /** Drops expired windows from the front (oldest first): amortised O(1) a call. */
  private expire(): void {
    const cutoff = this.clock.now() - this.windowSeconds * 1000;
    for (const [key, w] of this.windows) {
      if (w.startedAt > cutoff) break;
      this.windows.delete(key);
    }
  }

  private current(key: string): Window | undefined {
    const w = this.windows.get(key);
    if (w && this.clock.now() - w.startedAt >= this.windowSeconds * 1000) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }
}

/**
 * A limit as handlers use it. On SQLite (one instance) a `Throttle` in memory; on PostgreSQL
 * `SharedLimit`, whose windows are rows every instance counts in, so that a limit is not as many
 * times looser as there are instances.
 */
export interface Limit {
  /** Seconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string): Promise<number>;
  hit(key: string): Promise<void>;
  /** Counts the event as part of `tx` (shared limits: in the same commit as what it limits). */
  hitIn(tx: Tx, key: string): Promise<void>;
  reset(key: string): Promise<void>;
  close(): void;
}

export class MemoryLimit implements Limit {
  constructor(readonly throttle: Throttle) {}

  async blockedFor(key: string): Promise<number> {
    return this.throttle.blockedFor(key);
  }

  async hit(key: string): Promise<void> {
    this.throttle.hit(key);
  }

  async hitIn(_tx: Tx, key: string): Promise<void> {
    this.throttle.hit(key);
  }

  async reset(key: string): Promise<void> {
    this.throttle.reset(key);
  }

  close(): void {
    this.throttle.close();
  }
}

/**
 * A fixed window per key in the database (`throttles`), shared by every instance. It fails closed:
 * when its rows cannot be read (or a count cannot be written) the attempt is refused with the
 * database's error (-200, never let through uncounted), and that is logged.
 */
export class SharedLimit implements Limit {
  constructor(
    private readonly db: Database,
    private readonly store: ThrottleStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly name: string,
    /** At most `max` events per key in `windowSeconds`. */
    private readonly rule: { max: number; windowSeconds: number },
  ) {}

  async blockedFor(key: string): Promise<number> {
    if (this.rule.max <= 0) return this.rule.windowSeconds;
    const w = await this.store.window(this.db.read, this.name, key).catch((err) => this.refuse(err));
    if (!w || this.clock.now() - w.startedAt >= this.rule.windowSeconds * 1000 || w.count < this.rule.max) return 0;
    return this.secondsLeft(w.startedAt);
  }

  async hit(key: string): Promise<void> {
    await this.db.transaction((tx) => this.hitIn(tx, key)).catch((err) => this.refuse(err));
  }

  private refuse(err: unknown): never {
    this.log.error('limit store unreachable: refusing', { limit: this.name, err: (err as Error).message });
    throw err;
  }

  /** One statement, so that instances never lose a count. */
  async hitIn(tx: Tx, key: string): Promise<void> {
    const now = this.clock.now();
    await this.store.hit(tx, this.name, key, now, now - this.rule.windowSeconds * 1000);
  }

  private secondsLeft(startedAt: number): number {
    return Math.max(1, Math.ceil((startedAt + this.rule.windowSeconds * 1000 - this.clock.now()) / 1000));
  }

  async reset(key: string): Promise<void> {
    try {
      await this.db.transaction((tx) => this.store.reset(tx, this.name, key));
    } catch (err) {
      this.log.warn('limit not reset', { limit: this.name, err: (err as Error).message }); // the window runs out by itself
    }
  }

  close(): void {}
}

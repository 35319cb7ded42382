import NodeCache from 'node-cache';
import type { Clock } from '../clock.js';

interface Window {
  count: number;
  startedAt: number;
}

/**
 * Counts events per key in a fixed window kept in memory (lost on restart,
 * which only ever loosens it): failed logins per phone, validation guesses per
 * client address.
 */
export class Throttle {
  private readonly windows: NodeCache;

  constructor(private readonly clock: Clock, private readonly max: number, private readonly windowSeconds: number) {
    this.windows = new NodeCache({ stdTTL: windowSeconds, checkperiod: 60, useClones: false, maxKeys: 500_000 });
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string): number {
    const w = this.current(key);
    if (!w || w.count < this.max) return 0;
    return Math.max(1, Math.ceil((w.startedAt + this.windowSeconds * 1000 - this.clock.now()) / 1000));
  }

  hit(key: string): void {
    const w = this.current(key);
    if (w) {
      w.count++;
      return;
    }
    try {
      this.windows.set(key, { count: 1, startedAt: this.clock.now() });
    } catch {
      // full: counting stops until windows expire, requests are not refused for it
    }
  }

  reset(key: string): void {
    this.windows.del(key);
  }

  close(): void {
    this.windows.close();
  }

  private current(key: string): Window | undefined {
    const w = this.windows.get<Window>(key);
    if (w && this.clock.now() - w.startedAt >= this.windowSeconds * 1000) {
      this.windows.del(key);
      return undefined;
    }
    return w;
  }
}

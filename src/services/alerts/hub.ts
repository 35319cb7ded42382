import type { StreamEvent } from './public-notice.js';

export type { PublicNotice, StreamEvent, Verdict } from './public-notice.js';

export interface Listener {
  send(event: StreamEvent): void;
  /** Ends the stream: the server is stopping, or a newer stream of the account took its place. */
  close(reason: 'stopping' | 'replaced'): void;
}

/**
 * In-process fan-out of stream events to the open streams of the accounts that may see them. An account
 * holds at most `max` streams: a new one closes the oldest (as the 11th login drops the oldest token).
 * Events are written to the streams on the next turn of the event loop, in the order they were
 * published: the request that published one (a camera's upload) is answered first, however many
 * streams there are (10,000 writes took 80-320 ms on one core of this project's VM).
 */
export class NoticeHub {
  private readonly byUser = new Map<number, Set<Listener>>();
  private pending: [number[], StreamEvent][] = [];

  constructor(private readonly max = 10) {}

  subscribe(userId: number, listener: Listener): () => void {
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    while (set.size >= this.max) {
      const oldest = set.values().next().value!;
      set.delete(oldest);
      oldest.close('replaced');
    }
    set.add(listener);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      set.delete(listener);
      // a set left empty is dropped only if it is still the account's: an old closure must not drop a newer one
      if (set.size === 0 && this.byUser.get(userId) === set) this.byUser.delete(userId);
    };
  }

  closeAll(): void {
    this.flush();
    for (const set of [...this.byUser.values()]) for (const listener of [...set]) listener.close('stopping');
  }

  streams(userId: number): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** No stream is open. */
  get idle(): boolean {
    return this.byUser.size === 0;
  }

  /** Open streams in all. */
  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  publish(userIds: number[], event: StreamEvent): void {
    if (this.pending.push([userIds, event]) === 1) setImmediate(() => this.flush());
  }

  /** Writes what was published to the streams open now (a stream opened since replays it from the table). */
  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    for (const [userIds, event] of pending) for (const id of userIds) for (const listener of this.byUser.get(id) ?? []) listener.send(event);
  }
}

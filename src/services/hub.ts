import type { PublicNotice } from './notices.js';

export interface StreamEvent extends PublicNotice {
  /** The notice's row id: the SSE event id that Last-Event-ID resumes from. */
  seq: number;
}

export interface Listener {
  send(event: StreamEvent): void;
  /** Ends the stream: the server is stopping. */
  close(): void;
}

/** In-process fan-out of new notices to the open streams of the accounts that may see them. */
export class NoticeHub {
  private readonly byUser = new Map<number, Set<Listener>>();

  subscribe(userId: number, listener: Listener): () => void {
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
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
    for (const set of [...this.byUser.values()]) for (const listener of [...set]) listener.close();
  }

  streams(userId: number): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  publish(userIds: number[], event: StreamEvent): void {
    for (const id of userIds) for (const listener of this.byUser.get(id) ?? []) listener.send(event);
  }
}

import type { Database, Tx } from '../../db/engine.js';
import type { Logger } from '../../log.js';
import { randomHex128 } from './random.js';

/**
 * What one instance tells the others. A wake-up names what changed, never
 * the new state: the instance that gets it reads that from the tables (or
 * drops what it cached), so a wake-up that is missed or comes twice loses
 * nothing and sends nothing twice.
 */
export type Wake =
  /** New notices were stored, ids up to `upTo` (0: up to the newest committed): streams are sent what they have not had. */
  | { k: 'notices'; upTo: number }
  /** A notice was acknowledged: streams are told who and when. */
  | { k: 'ack'; notice: number }
  /** A bound account gave its verdict on a notice: lists are dropped, streams told. */
  | { k: 'verdict'; notice: number }
  /** The resident answered the call about a notice (or did not): lists are dropped, streams told. */
  | { k: 'resident'; notice: number }
  /** A camera went offline or came back. */
  | { k: 'device'; device: number }
  /** A camera's pause began or ended: its accounts' streams are told. */
  | { k: 'pause'; device: number }
  /** Tokens were revoked or replaced: drop them from the token cache. */
  | { k: 'tokens'; hashes: string[] | 'all' }
  /** Accounts' phone or role changed, or they were deleted. */
  | { k: 'users'; ids: number[] | 'all' }
  /** What these accounts (or everyone) see in notice.get changed. */
  | { k: 'lists'; users: number[] | 'all' };

type Handler = (wake: Wake) => void | Promise<void>;

/** Past this many ids or hashes a wake-up says "all" (NOTIFY payloads end at 8000 bytes). */
const MAX_LISTED = 200;
/** How long `caughtUp` waits for its echo before the caller reads the database instead. */
const ECHO_TIMEOUT_MS = 250;
/** Echo payloads start with this (wake-ups are JSON objects): cheap to tell apart and to ignore. */
const ECHO = '~';

/**
 * Wake-ups between instances over the database (PostgreSQL LISTEN/NOTIFY;
 * on SQLite, with one instance, only this one is woken). A wake-up sent
 * with a transaction reaches this instance after the commit and the others
 * with it (NOTIFY is transactional).
 *
 * While the listening connection is down, `live` is false: caches are not
 * trusted (each read goes to the database) because invalidations may be
 * missed; when it is back, `resync` handlers drop every cache and catch up
 * on the tables.
 */
export class Bus {
  private readonly origin = randomHex128().slice(0, 12);
  private readonly handlers: Handler[] = [];
  private readonly resyncs: (() => void | Promise<void>)[] = [];
  private connected = true;
  /** Handlers (and resyncs) still running: `caughtUp` waits for those started before its echo came back. */
  private readonly running = new Set<Promise<unknown>>();
  /** Callers of `caughtUp` waiting for the next echo to be sent, and whether one is out. */
  private waiting: ((ok: boolean) => void)[] = [];
  private echoing: { seq: number; done(ok: boolean): void } | null = null;
  private echoSeq = 0;

  constructor(private readonly db: Database, private readonly log: Logger) {}

  /** Can caches be trusted? false while wake-ups from other instances may be missed. */
  get live(): boolean {
    return this.connected;
  }

  /**
   * Has this instance handled every wake-up committed before the call? true once it has (a cache can
   * then answer as the database would: read-your-writes across instances); false when that could not be
   * shown within ECHO_TIMEOUT_MS or wake-ups may be missed (the caller reads the database). Immediate on
   * SQLite, where every write is this instance's own.
   *
   * On PostgreSQL the listening connection notifies itself (db.echo): notifications arrive in commit
   * order, so when the echo is back every earlier wake-up has been handed to the handlers, and once the
   * handlers then running have settled, caches reflect them. One echo is out at a time; callers that
   * come meanwhile share the next one (sent after they called, so it covers what they must see): under
   * load that is one small statement per round, not per request.
   */
  caughtUp(): Promise<boolean> {
    if (this.db.dialect === 'sqlite' || !this.connected) return Promise.resolve(this.connected);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (!this.echoing) this.sendEcho();
    });
  }

  private sendEcho(): void {
    const waiters = this.waiting;
    this.waiting = [];
    const seq = ++this.echoSeq;
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (this.echoing?.seq === seq) this.echoing = null;
      for (const resolve of waiters) resolve(ok && this.connected);
      if (this.waiting.length && !this.echoing) this.sendEcho();
    };
    const timer = setTimeout(() => done(false), ECHO_TIMEOUT_MS);
    this.echoing = { seq, done };
    this.db.echo(`${ECHO}${this.origin}:${seq}`).catch(() => done(false));
  }

  /** Our echo `seq` is back: every wake-up before it was delivered; done once their handlers settle. */
  private echoed(seq: number): void {
    const out = this.echoing;
    if (out?.seq !== seq) return;
    if (this.running.size === 0) return out.done(true);
    void Promise.allSettled([...this.running]).then(() => out.done(true));
  }

  on(handler: Handler): void {
    this.handlers.push(handler);
  }

  /** Runs when wake-ups may have been missed: drop caches, read again. */
  onResync(fn: () => void | Promise<void>): void {
    this.resyncs.push(fn);
  }

  /** Wakes this instance (after `tx` commits, or now) and every other one. */
  async send(tx: Tx | null, wake: Wake): Promise<void> {
    const bounded = bound(wake);
    if (tx) tx.after(() => this.deliver(bounded));
    else this.deliver(bounded);
    if (this.db.dialect === 'postgres') await this.db.notify(tx, JSON.stringify({ o: this.origin, w: bounded }));
  }

  /**
   * Wakes only the other instances, when tx commits (this one acts on the change itself, later: a
   * stored notice is streamed here once its photo is placed). Nothing on SQLite.
   */
  async tell(tx: Tx, wake: Wake): Promise<void> {
    if (this.db.dialect === 'postgres') await this.db.notify(tx, JSON.stringify({ o: this.origin, w: bound(wake) }));
  }

  async start(): Promise<void> {
    await this.db.listen({
      onPayload: (payload) => {
        if (payload.startsWith(ECHO)) {
          // another instance's echo is for it alone
          const [origin, seq] = payload.slice(1).split(':');
          if (origin === this.origin) this.echoed(Number(seq));
          return;
        }
        let parsed: { o: string; w: Wake };
        try {
          parsed = JSON.parse(payload) as { o: string; w: Wake };
        } catch {
          return this.log.warn('unreadable wake-up ignored', { payload: payload.slice(0, 200) });
        }
        if (parsed.o !== this.origin) this.deliver(parsed.w);
      },
      onGap: (err) => {
        this.connected = false;
        this.echoing?.done(false);
        this.log.error('lost the connection that hears other instances: caches are bypassed until it is back', { err: err.message });
        void this.resync();
      },
      onBack: () => {
        this.connected = true;
        this.log.info('listening to other instances again');
        void this.resync();
      },
    });
  }

  private deliver(wake: Wake): void {
    for (const handler of this.handlers) {
      this.track((async () => handler(wake))().catch((err) => this.log.error('wake-up not handled', { wake: wake.k, err })));
    }
  }

  private resync(): Promise<void> {
    return this.track((async () => {
      for (const fn of this.resyncs) await (async () => fn())().catch((err) => this.log.error('resync failed', { err }));
    })());
  }

  private track(work: Promise<void>): Promise<void> {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    return work;
  }
}

function bound(wake: Wake): Wake {
  if (wake.k === 'lists' && wake.users.length > MAX_LISTED) return { k: 'lists', users: 'all' };
  if (wake.k === 'users' && wake.ids.length > MAX_LISTED) return { k: 'users', ids: 'all' };
  if (wake.k === 'tokens' && wake.hashes.length > MAX_LISTED) return { k: 'tokens', hashes: 'all' };
  return wake;
}

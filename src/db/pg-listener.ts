import pg from 'pg';
import type { Database } from './engine.js';

/** The channel instances wake each other on (LISTEN/NOTIFY). */
export const CHANNEL = 'helpaged';

export type ListenHandlers = Parameters<Database['listen']>[0];

/** How often the listening connection is checked: a connection that died without a word is found within this. */
const LISTEN_CHECK_MS = 2000;

/**
 * The one connection an instance LISTENs on. When it fails (an error, the server closing it, or a check
 * query that does not answer) the gap is reported at once and it reconnects with backoff; once it
 * listens again `onBack` runs, so that whatever was missed meanwhile is read again from the tables.
 */
export class Listener {
  private client: pg.Client | null = null;
  private stopped = false;
  private checking = false;
  private timer: NodeJS.Timeout | null = null;
  /** Whether the server behind a connection sends notifications before each ReadyForQuery (PostgreSQL 15+). */
  private readonly deliversBeforeReady = new WeakMap<pg.Client, boolean>();

  constructor(private readonly url: string, private readonly handlers: ListenHandlers) {}

  async start(): Promise<void> {
    this.client = await this.connect();
    this.timer = setInterval(() => void this.check(), LISTEN_CHECK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /**
   * Hands `payload` to onPayload after every notification committed before the call. From PostgreSQL 15
   * a backend sends the notifications it has been signalled of before the ReadyForQuery that ends each
   * statement, and a committing transaction signals the listeners before its COMMIT is answered, so one
   * `select 1` here is enough: no transaction id, no wait for the queue's lock, which each committing
   * notifier holds through its WAL flush (beside camera ingest that wait was most of a cached read's
   * time). Older servers deliver only once the connection is idle again: there the payload is notified
   * from this connection and comes back in queue order.
   */
  async echo(payload: string): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('the listening connection is down');
    if (!this.deliversBeforeReady.get(client)) return void (await client.query('select pg_notify($1, $2)', [CHANNEL, payload]));
    await client.query('select 1');
    if (this.client === client) this.handlers.onPayload(payload);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url, application_name: 'helpaged-listen', connectionTimeoutMillis: 5000, keepAlive: true,
      query_timeout: LISTEN_CHECK_MS * 2,
      // this connection writes nothing but its echoes, and a NOTIFY gives its transaction an id, so that each
      // echo would wait for a WAL flush of its own (beside camera ingest, behind the uploads' flushes): an
      // echo needs to be in the queue in commit order, not on disk
      options: '-c synchronous_commit=off',
    });
    client.on('notification', (m) => {
      if (m.channel === CHANNEL && m.payload && this.client === client) this.handlers.onPayload(m.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('the server closed the listening connection')));
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      const { rows } = await client.query<{ v: string }>("select current_setting('server_version_num') as v");
      this.deliversBeforeReady.set(client, Number(rows[0]!.v) >= 150000);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return client;
  }

  private async check(): Promise<void> {
    const client = this.client;
    if (!client || this.checking) return;
    this.checking = true;
    try {
      await client.query('select 1');
    } catch (err) {
      this.lost(client, err as Error);
    } finally {
      this.checking = false;
    }
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.client !== client || this.stopped) return;
    this.client = null;
    void client.end().catch(() => undefined);
    this.handlers.onGap(err);
    this.reconnect(250);
  }

  private reconnect(delay: number): void {
    const timer = setTimeout(async () => {
      if (this.stopped) return;
      try {
        const client = await this.connect();
        if (this.stopped) return void (await client.end().catch(() => undefined));
        this.client = client;
        this.handlers.onBack();
      } catch {
        this.reconnect(Math.min(delay * 2, 5000));
      }
    }, delay);
    timer.unref();
  }
}

import crypto from 'node:crypto';
import webpush from 'web-push';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Database } from '../../db/engine.js';
import type { PushStore, PushSubscriptionRow } from '../../db/push.js';
import type { TicketStore } from '../../db/tickets.js';
import type { Logger } from '../../log.js';
import { randomHex128, safeEqual } from '../shared/index.js';

/** How long the Acknowledge action of a fall's notification works. */
const ACK_TICKET_SECONDS = 24 * 3600;
/** Pushes in flight at once for one fall. */
const CONCURRENCY = 16;

export interface PushFall {
  noticeId: number;
  eventId: string;
  device: string;
  createtime: string;
}

/** What a subscription's browser is sent (encrypted to it, RFC 8291): enough to show the fall and acknowledge it. */
export interface PushPayload {
  type: 'fall';
  event_id: string;
  device: string;
  createtime: string;
  /** POST /app/ack with these acknowledges as the subscription's account, without its session. */
  ack: { event_id: string; user: number; exp: number; sig: string };
}

/** A drill's test push: the service worker shows it and POSTs /app/drill/<proof> to prove it arrived. */
export interface DrillPayload {
  type: 'drill';
  device: string;
  proof: string;
}

export interface PushOutcome {
  sent: number;
  total: number;
  gone: number;
}

/**
 * Web Push with VAPID (RFC 8292): the keys are made once and kept in the database, so every instance
 * signs with the same ones and the browsers' subscriptions stay valid across instances and restarts.
 * A subscription's endpoint must be one of PUSH_HOSTS: the server posts to it, and nowhere else.
 */
export class WebPush {
  private keys: { publicKey: string; privateKey: string } | null = null;
  private ackKey: Buffer | null = null;

  constructor(
    private readonly db: Database,
    private readonly store: PushStore,
    private readonly tickets: TicketStore,
    private readonly base: { config: Config; clock: Clock; log: Logger },
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  async start(): Promise<void> {
    const made = webpush.generateVAPIDKeys();
    const value = JSON.stringify({ ...made, ack: randomHex128() + randomHex128() });
    // the first instance's keys win; the others read them
    await this.db.transaction((tx) => this.tickets.put(tx, 'push-keys', 'vapid', value, Number.MAX_SAFE_INTEGER, this.base.clock.now()));
    const kept = JSON.parse((await this.tickets.peek(this.db.read, 'push-keys', 'vapid'))!.value) as { publicKey: string; privateKey: string; ack: string };
    this.keys = { publicKey: kept.publicKey, privateKey: kept.privateKey };
    this.ackKey = Buffer.from(kept.ack, 'hex');
  }

  /** The application server key a browser subscribes with (base64url, uncompressed P-256). */
  get publicKey(): string {
    return this.keys!.publicKey;
  }

  /** Why an endpoint may not be pushed to, or null: https on a listed host (http only for a listed loopback host). */
  endpointProblem(endpoint: string): string | null {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return 'not a URL';
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const listed = this.base.config.pushHosts.some((h) => (h.startsWith('.') ? host.endsWith(h) : host === h));
    if (!listed) return `host ${host} is not a push service this server sends to (PUSH_HOSTS)`;
    const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return 'not https';
    if (url.username || url.password) return 'credentials in the URL';
    return null;
  }

  ackTicket(eventId: string, userId: number): PushPayload['ack'] {
    const exp = Math.floor(this.base.clock.now() / 1000) + ACK_TICKET_SECONDS;
    return { event_id: eventId, user: userId, exp, sig: this.sign(eventId, userId, exp) };
  }

  /** The account a notification's Acknowledge speaks for, or null when the ticket is forged or old. */
  checkAck(ticket: { event_id?: unknown; user?: unknown; exp?: unknown; sig?: unknown }): number | null {
    const { event_id, user, exp, sig } = ticket;
    if (typeof event_id !== 'string' || typeof user !== 'number' || typeof exp !== 'number' || typeof sig !== 'string') return null;
    if (!Number.isSafeInteger(user) || exp * 1000 < this.base.clock.now()) return null;
    return safeEqual(sig, this.sign(event_id, user, exp)) ? user : null;
  }

  private sign(eventId: string, userId: number, exp: number): string {
    return crypto.createHmac('sha256', this.ackKey!).update(`ack\0${eventId}\0${userId}\0${exp}`).digest('base64url');
  }

  /**
   * Pushes a fall to every subscription of the given accounts. Subscriptions the push service says
   * are gone (404, 410) are dropped; any other refusal counts as not sent (the SMS follows anyway).
   */
  async deliver(fall: PushFall, userIds: number[], log: Logger = this.base.log): Promise<PushOutcome> {
    const subs = await this.store.forUsers(this.db.read, userIds);
    if (subs.length === 0) return { sent: 0, total: 0, gone: 0 };
    const results: ('sent' | 'gone' | 'failed')[] = [];
    let next = 0;
    const worker = async () => {
      while (next < subs.length) {
        const i = next++;
        results[i] = await this.send(subs[i]!, fall, log);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, subs.length) }, worker));
    const gone = subs.filter((_, i) => results[i] === 'gone').map((s) => s.id);
    if (gone.length) await this.db.transaction((tx) => this.store.drop(tx, gone));
    return { sent: results.filter((r) => r === 'sent').length, total: subs.length, gone: gone.length };
  }

  private async send(sub: PushSubscriptionRow, fall: PushFall, log: Logger): Promise<'sent' | 'gone' | 'failed'> {
    const problem = this.endpointProblem(sub.endpoint);
    if (problem) {
      log.warn('push not sent: endpoint not allowed', { event_id: fall.eventId, problem });
      return 'failed';
    }
    const payload: PushPayload = { type: 'fall', event_id: fall.eventId, device: fall.device, createtime: fall.createtime, ack: this.ackTicket(fall.eventId, sub.userId) };
    return this.push(sub, payload, { event_id: fall.eventId }, log);
  }

  /**
   * A drill's test push to each of one account's subscriptions (`proof` makes each one's token); one
   * the push service says is gone is dropped, as after a fall.
   */
  async drill(userId: number, device: string, proof: () => string, log: Logger = this.base.log): Promise<{ subscription: number; token: string; outcome: 'sent' | 'gone' | 'failed' }[]> {
    const subs = await this.store.forUsers(this.db.read, [userId]);
    const out = [];
    for (const s of subs) {
      const token = proof();
      out.push({ subscription: s.id, token, outcome: this.endpointProblem(s.endpoint) ? 'failed' as const : await this.push(s, { type: 'drill', device, proof: token }, { drill: device }, log) });
    }
    const gone = out.filter((o) => o.outcome === 'gone').map((o) => o.subscription);
    if (gone.length) await this.db.transaction((tx) => this.store.drop(tx, gone));
    return out;
  }

  private async push(sub: PushSubscriptionRow, payload: PushPayload | DrillPayload, about: Record<string, string>, log: Logger): Promise<'sent' | 'gone' | 'failed'> {
    const details = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, JSON.stringify(payload), {
      vapidDetails: { subject: this.base.config.pushSubject, ...this.keys! },
      TTL: 3600, urgency: 'high', contentEncoding: 'aes128gcm', topic: undefined,
    });
    try {
      const res = await this.fetcher(details.endpoint, {
        method: details.method, headers: details.headers as Record<string, string>, body: details.body ? new Uint8Array(details.body as Buffer) : null,
        redirect: 'error', signal: AbortSignal.timeout(this.base.config.pushTimeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 404 || res.status === 410) return 'gone';
      if (res.status >= 200 && res.status < 300) return 'sent';
      log.warn('push not sent', { ...about, status: res.status });
      return 'failed';
    } catch (err) {
      log.warn('push not sent', { ...about, err: (err as Error).message });
      return 'failed';
    }
  }
}

import type { Clock } from '../../clock.js';
import type { Database, Tx } from '../../db/engine.js';
import type { TicketStore } from '../../db/tickets.js';
import type { Logger } from '../../log.js';
import { randomHex128, sha256Hex } from '../shared/index.js';

export type WeChatFailure = 'invalid_code' | 'rate_limited' | 'blocked' | 'busy' | 'disabled';
export type WeChatResult = { ok: true; openid: string } | { ok: false; failure: WeChatFailure; errcode?: number };

/** WeChat's documented jscode2session error codes. */
const ERRORS: Record<number, WeChatFailure> = {
  40029: 'invalid_code',
  40163: 'invalid_code',
  45011: 'rate_limited',
  40226: 'blocked',
  [-1]: 'busy',
};

export interface WeChatConfig {
  apiBase: string;
  appId: string;
  secret: string;
  ticketSeconds: number;
}

/**
 * WeChat mini-program login: `code` -> openid through `sns/jscode2session`.
 * The session_key WeChat returns is never kept or passed on. An openid no
 * account has yet is held for a while behind a random ticket, which
 * register.phone or wechat.bind redeem to link it.
 */
export class WeChat {
  constructor(
    private readonly cfg: WeChatConfig | null,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly db: Database,
    private readonly tickets: TicketStore,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get enabled(): boolean {
    return this.cfg !== null;
  }

  async code2Session(code: string, log: Logger = this.log): Promise<WeChatResult> {
    if (!this.cfg) return { ok: false, failure: 'disabled' };
    const url = new URL(`${this.cfg.apiBase}/sns/jscode2session`);
    url.search = new URLSearchParams({ appid: this.cfg.appId, secret: this.cfg.secret, js_code: code, grant_type: 'authorization_code' }).toString();
    let body: { openid?: unknown; errcode?: unknown; errmsg?: unknown };
    try {
      const res = await this.fetchImpl(url, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = await res.json() as typeof body;
    } catch (err) {
      log.warn('wechat jscode2session unreachable', { err: String(err) });
      return { ok: false, failure: 'busy' };
    }
    const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
    if (errcode === 0 && typeof body.openid === 'string' && body.openid) return { ok: true, openid: body.openid };
    log.info('wechat jscode2session refused', { errcode, errmsg: body.errmsg });
    return { ok: false, failure: ERRORS[errcode] ?? 'busy', errcode };
  }

  /** A ticket for an openid no account has yet, kept (as sha256) in the database: any instance redeems it. */
  async issueTicket(openid: string): Promise<{ ticket: string; expiresIn: number }> {
    const ticket = randomHex128();
    const seconds = this.cfg?.ticketSeconds ?? 600;
    const now = this.clock.now();
    await this.db.transaction((tx) => this.tickets.put(tx, 'wechat', sha256Hex(ticket), openid, now + seconds * 1000, now));
    return { ticket, expiresIn: seconds };
  }

  /** The openid behind a live ticket; the ticket is used up when tx commits. */
  async redeem(tx: Tx, ticket: string): Promise<string | null> {
    const entry = await this.tickets.take(tx, 'wechat', sha256Hex(ticket));
    return entry && entry.expiresAt > this.clock.now() ? entry.value : null;
  }

  /** A ticket's openid without using it up (to check before a long operation). */
  async peek(ticket: string): Promise<string | null> {
    const entry = await this.tickets.peek(this.db.read, 'wechat', sha256Hex(ticket));
    return entry && entry.expiresAt > this.clock.now() ? entry.value : null;
  }
}

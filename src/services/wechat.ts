import NodeCache from 'node-cache';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { randomHex128, sha256Hex } from './random.js';

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
  private readonly tickets: NodeCache;

  constructor(
    private readonly cfg: WeChatConfig | null,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.tickets = new NodeCache({ stdTTL: (cfg?.ticketSeconds ?? 600) * 2, checkperiod: 120, useClones: false, maxKeys: 100_000 });
  }

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

  issueTicket(openid: string): { ticket: string; expiresIn: number } {
    const ticket = randomHex128();
    const seconds = this.cfg?.ticketSeconds ?? 600;
    this.tickets.set(sha256Hex(ticket), { openid, expiresAt: this.clock.now() + seconds * 1000 });
    return { ticket, expiresIn: seconds };
  }

  /** The openid behind a live ticket; the ticket is used up. */
  redeem(ticket: string): string | null {
    const key = sha256Hex(ticket);
    const entry = this.tickets.get<{ openid: string; expiresAt: number }>(key);
    if (!entry) return null;
    this.tickets.del(key);
    return entry.expiresAt > this.clock.now() ? entry.openid : null;
  }

  /** A ticket's openid without using it up (to check before a long operation). */
  peek(ticket: string): string | null {
    const entry = this.tickets.get<{ openid: string; expiresAt: number }>(sha256Hex(ticket));
    return entry && entry.expiresAt > this.clock.now() ? entry.openid : null;
  }

  close(): void {
    this.tickets.close();
  }
}

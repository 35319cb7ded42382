import crypto from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { CodeStore } from '../../db/codes.js';
import type { Database, Tx } from '../../db/engine.js';
import type { TicketStore } from '../../db/tickets.js';
import type { Logger } from '../../log.js';
import { md5Hex, randomString, safeEqual } from '../shared/index.js';
import type { SmsGateway, SmsRefusal } from '../sms/index.js';

export const MAX_CODE_TRIES = 5;

/** `command_type` of `sms.generate`: what a code may be used for. */
export const PURPOSE = { REGISTER: 1, FORGOT: 2, LOGIN: 3, CHANGE_PHONE: 4, DELETE_ACCOUNT: 5 } as const;
const RAND_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
const HOUR = 3600_000;
/** How long the guard of a send in flight holds when its process dies before letting go. */
const SENDING_GUARD_MS = 30_000;
const DAY = 24 * HOUR;

export type SendRefusal = 'LIMIT_30S' | 'LIMIT_HOUR' | 'LIMIT_DAY' | 'BAD_PHONE' | 'FAILED';
export type SendResult = { ok: true; rand: string } | { ok: false; refusal: SendRefusal; retryAfter?: number };
export type CheckResult = { ok: true; codeId: number } | { ok: false; why: 'expired' | 'wrong' };

const FROM_GATEWAY: Record<SmsRefusal, SendRefusal> = {
  bad_phone: 'BAD_PHONE', limit_30s: 'LIMIT_30S', limit_hour: 'LIMIT_HOUR', limit_day: 'LIMIT_DAY', failed: 'FAILED',
};

/**
 * SMS verification codes: 6 CSPRNG digits, bound to one phone and purpose,
 * single use, dead after the TTL or after five wrong tries. Every sent code is
 * a row, so the rate limits survive a restart.
 */
export class SmsCodes {
  constructor(
    private readonly db: Database,
    private readonly store: CodeStore,
    private readonly base: { clock: Clock; config: Config; log: Logger },
    private readonly gateway: SmsGateway,
    private readonly tickets: TicketStore,
  ) {}

  async send(phone: string, purpose: number, ip: string, log: Logger = this.base.log): Promise<SendResult> {
    const limited = await this.limited(phone, ip);
    if (limited) return limited;
    // one send per phone at a time, on every instance: a row held while the gateway is asked (and let go
    // after SENDING_GUARD_MS if this process dies meanwhile)
    const started = this.base.clock.now();
    if (!(await this.db.transaction((tx) => this.tickets.put(tx, 'sms-sending', phone, '', started + SENDING_GUARD_MS, started)))) {
      return { ok: false, refusal: 'LIMIT_30S', retryAfter: 1 };
    }
    try {
      const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
      const rand = randomString(5, RAND_ALPHABET);
      const ttlSeconds = this.base.config.codeTtlSeconds;
      const sent = await this.gateway.send({ kind: 'code', phone, code, commandType: purpose, ttlSeconds });
      if (!sent.ok) {
        log.warn('sms not sent', { gateway: this.gateway.name, phone, purpose, detail: sent.detail });
        return { ok: false, refusal: FROM_GATEWAY[sent.refusal] };
      }
      const now = this.base.clock.now();
      await this.db.transaction((tx) => this.store.insert(tx, {
        phone, purpose, ip, hash: md5Hex(code + rand), createdAt: now, expiresAt: now + ttlSeconds * 1000,
      }));
      return { ok: true, rand };
    } finally {
      await this.db.transaction((tx) => this.tickets.remove(tx, 'sms-sending', phone))
        .catch((err) => log.warn('sms send guard not released: it expires by itself', { phone, err: (err as Error).message }));
    }
  }

  /**
   * Checks `hash` against the phone's unused codes for `purpose`. A wrong hash
   * costs every live code one try; the caller consumes the match with `consume`.
   * Without `purpose` (`sms.validate` with `phone`) every purpose's codes count.
   */
  async check(phone: string, purpose: number | undefined, hash: string): Promise<CheckResult> {
    const now = this.base.clock.now();
    const codes = await this.store.unused(this.db.read, phone, purpose, now - DAY);
    const live = codes.filter((c) => c.expiresAt > now && c.tries < MAX_CODE_TRIES);
    const match = codes.find((c) => safeEqual(c.hash, hash.toLowerCase()));
    if (match && live.includes(match)) return { ok: true, codeId: match.id };
    if (match) return { ok: false, why: 'expired' };
    if (live.length === 0) return { ok: false, why: codes.length > 0 ? 'expired' : 'wrong' };
    await this.db.transaction((tx) => this.store.addTry(tx, live.map((c) => c.id)));
    return { ok: false, why: 'wrong' };
  }

  /** Marks a checked code used; false if a concurrent request used it first. Call inside the transaction that acts on it. */
  consume(tx: Tx, codeId: number): Promise<boolean> {
    return this.store.consume(tx, codeId, this.base.clock.now());
  }

  /** `sms.validate`: is `hash` a live code of any phone? Does not use it up. */
  async validate(hash: string): Promise<'ok' | 'expired' | 'unknown'> {
    const now = this.base.clock.now();
    const row = await this.store.byHash(this.db.read, hash.toLowerCase());
    if (!row) return 'unknown';
    return row.expiresAt > now && row.tries < MAX_CODE_TRIES ? 'ok' : 'expired';
  }

  /** Forgets codes older than a day: they no longer count for any limit. */
  sweep(): Promise<number> {
    return this.db.transaction((tx) => this.store.deleteBefore(tx, this.base.clock.now() - DAY));
  }

  private async limited(phone: string, ip: string): Promise<SendResult | null> {
    const q = this.db.read;
    const now = this.base.clock.now();
    const { phoneIntervalSeconds, phoneHourly, phoneDaily, ipHourly, ipDaily } = this.base.config.sms;
    const retry = (until: number) => Math.max(1, Math.ceil((until - now) / 1000));
    const last = await this.store.lastSent(q, phone);
    if (last !== undefined && now - last < phoneIntervalSeconds * 1000) {
      return { ok: false, refusal: 'LIMIT_30S', retryAfter: retry(last + phoneIntervalSeconds * 1000) };
    }
    const windows: [by: 'phone' | 'ip', key: string, span: number, max: number, refusal: SendRefusal][] = [
      ['phone', phone, HOUR, phoneHourly, 'LIMIT_HOUR'],
      ['phone', phone, DAY, phoneDaily, 'LIMIT_DAY'],
      ['ip', ip, HOUR, ipHourly, 'LIMIT_HOUR'],
      ['ip', ip, DAY, ipDaily, 'LIMIT_DAY'],
    ];
    for (const [by, key, span, max, refusal] of windows) {
      const n = await this.store.sentSince(q, by, key, now - span);
      if (n < max) continue;
      const freeAt = await this.store.nthSentSince(q, by, key, now - span, n - max + 1);
      return { ok: false, refusal, retryAfter: retry(freeAt! + span) };
    }
    return null;
  }
}

import crypto from 'node:crypto';
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { smsCodes } from '../db/schema.js';
import type { Logger } from '../log.js';
import { md5Hex, randomString, safeEqual } from './random.js';
import type { SmsGateway, SmsRefusal } from './sms/gateway.js';

export const MAX_CODE_TRIES = 5;

/** `command_type` of `sms.generate`: what a code may be used for. */
export const PURPOSE = { REGISTER: 1, FORGOT: 2, LOGIN: 3, CHANGE_PHONE: 4, DELETE_ACCOUNT: 5 } as const;
const RAND_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
const HOUR = 3600_000;
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
  private readonly sending = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly gateway: SmsGateway,
    private readonly log: Logger,
  ) {}

  async send(phone: string, purpose: number, ip: string, log: Logger = this.log): Promise<SendResult> {
    const limited = this.limited(phone, ip);
    if (limited) return limited;
    if (this.sending.has(phone)) return { ok: false, refusal: 'LIMIT_30S', retryAfter: 1 };
    this.sending.add(phone);
    try {
      const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
      const rand = randomString(5, RAND_ALPHABET);
      const ttlSeconds = this.config.codeTtlSeconds;
      const sent = await this.gateway.send({ kind: 'code', phone, code, commandType: purpose, ttlSeconds });
      if (!sent.ok) {
        log.warn('sms not sent', { gateway: this.gateway.name, phone, purpose, detail: sent.detail });
        return { ok: false, refusal: FROM_GATEWAY[sent.refusal] };
      }
      const now = this.clock.now();
      this.db.insert(smsCodes).values({
        phone, purpose, ip, hash: md5Hex(code + rand), createdAt: now, expiresAt: now + ttlSeconds * 1000,
      }).run();
      return { ok: true, rand };
    } finally {
      this.sending.delete(phone);
    }
  }

  /**
   * Checks `hash` against the phone's unused codes for `purpose`. A wrong hash
   * costs every live code one try; the caller consumes the match with `consume`.
   * Without `purpose` (`sms.validate` with `phone`) every purpose's codes count.
   */
  check(phone: string, purpose: number | undefined, hash: string): CheckResult {
    const now = this.clock.now();
    const codes = this.db.select().from(smsCodes)
      .where(and(eq(smsCodes.phone, phone), purpose === undefined ? undefined : eq(smsCodes.purpose, purpose),
        isNull(smsCodes.consumedAt), gt(smsCodes.createdAt, now - DAY)))
      .orderBy(desc(smsCodes.createdAt)).all();
    const live = codes.filter((c) => c.expiresAt > now && c.tries < MAX_CODE_TRIES);
    const match = codes.find((c) => safeEqual(c.hash, hash.toLowerCase()));
    if (match && live.includes(match)) return { ok: true, codeId: match.id };
    if (match) return { ok: false, why: 'expired' };
    if (live.length === 0) return { ok: false, why: codes.length > 0 ? 'expired' : 'wrong' };
    this.db.update(smsCodes).set({ tries: sql`${smsCodes.tries} + 1` })
      .where(inArray(smsCodes.id, live.map((c) => c.id))).run();
    return { ok: false, why: 'wrong' };
  }

  /** Marks a checked code used; false if a concurrent request used it first. Call inside the transaction that acts on it. */
  consume(codeId: number): boolean {
    return this.db.update(smsCodes).set({ consumedAt: this.clock.now() })
      .where(and(eq(smsCodes.id, codeId), isNull(smsCodes.consumedAt))).run().changes === 1;
  }

  /** `sms.validate`: is `hash` a live code of any phone? Does not use it up. */
  validate(hash: string): 'ok' | 'expired' | 'unknown' {
    const now = this.clock.now();
    const row = this.db.select().from(smsCodes)
      .where(and(eq(smsCodes.hash, hash.toLowerCase()), isNull(smsCodes.consumedAt)))
      .orderBy(desc(smsCodes.createdAt)).get();
    if (!row) return 'unknown';
    return row.expiresAt > now && row.tries < MAX_CODE_TRIES ? 'ok' : 'expired';
  }

  /** Forgets codes older than a day: they no longer count for any limit. */
  sweep(): number {
    return this.db.delete(smsCodes).where(lt(smsCodes.createdAt, this.clock.now() - DAY)).run().changes;
  }

  private limited(phone: string, ip: string): SendResult | null {
    const now = this.clock.now();
    const { phoneIntervalSeconds, phoneHourly, phoneDaily, ipHourly, ipDaily } = this.config.sms;
    const retry = (until: number) => Math.max(1, Math.ceil((until - now) / 1000));
    const last = this.db.select({ at: smsCodes.createdAt }).from(smsCodes).where(eq(smsCodes.phone, phone))
      .orderBy(desc(smsCodes.createdAt)).limit(1).get();
    if (last && now - last.at < phoneIntervalSeconds * 1000) {
      return { ok: false, refusal: 'LIMIT_30S', retryAfter: retry(last.at + phoneIntervalSeconds * 1000) };
    }
    const windows: [column: typeof smsCodes.phone | typeof smsCodes.ip, key: string, span: number, max: number, refusal: SendRefusal][] = [
      [smsCodes.phone, phone, HOUR, phoneHourly, 'LIMIT_HOUR'],
      [smsCodes.phone, phone, DAY, phoneDaily, 'LIMIT_DAY'],
      [smsCodes.ip, ip, HOUR, ipHourly, 'LIMIT_HOUR'],
      [smsCodes.ip, ip, DAY, ipDaily, 'LIMIT_DAY'],
    ];
    for (const [column, key, span, max, refusal] of windows) {
      const since = now - span;
      const [{ n }] = this.db.select({ n: count() }).from(smsCodes)
        .where(and(eq(column, key), gt(smsCodes.createdAt, since))).all() as [{ n: number }];
      if (n < max) continue;
      const oldest = this.db.select({ at: smsCodes.createdAt }).from(smsCodes)
        .where(and(eq(column, key), gt(smsCodes.createdAt, since)))
        .orderBy(asc(smsCodes.createdAt)).limit(n - max + 1).all().at(-1)!;
      return { ok: false, refusal, retryAfter: retry(oldest.at + span) };
    }
    return null;
  }
}

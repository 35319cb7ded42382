import type { Clock } from '../../clock.js';
import type { Database } from '../../db/engine.js';
import type { QuietHours, QuietStore } from '../../db/quiet.js';
import type { Logger } from '../../log.js';
import { inWindow, wallClock } from '../devices/index.js';
import { maskPhone } from '../shared/index.js';
import type { SmsGateway, SmsMessage } from '../sms/index.js';

/** A message that is not about a fall (liveness, pauses): the same for each account it goes to. */
export type Notice = Extract<SmsMessage, { kind: 'offline' | 'online' | 'pause' | 'pause-end' }>;
type Body = Notice extends infer M ? (M extends Notice ? Omit<M, 'phone'> : never) : never;

const BATCH = 200;
/** At most this many held messages are named in a summary (the rest are counted). */
const NAMED = 5;

/** "HH:MM" as minutes after midnight, or null when it is not a time of day. */
export function minutesOf(text: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Minutes after midnight as "HH:MM". */
export const hhmm = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The SMS that are not falls: a camera offline or back, a pause begun or over. Each goes to each
 * account once, unless the account is in its quiet hours (account.quiet, in NOTICE_TIMEZONE): then it
 * is held in the database and the sweep sends one summary SMS when they end (any instance; the one that
 * removes the held rows sends it). Falls never come here. A refusal is logged and not retried: the
 * console shows the same news live.
 */
export class Notifier {
  constructor(
    private readonly db: Database,
    private readonly quiet: QuietStore,
    private readonly gateway: SmsGateway,
    private readonly base: { clock: Clock; timeZone: string; log: Logger },
  ) {}

  /** Whether quiet hours hold messages at `now`. */
  isQuiet(hours: QuietHours | null | undefined, now: number): boolean {
    return !!hours && inWindow(wallClock(this.base.timeZone, now).minute, hours.from, hours.to);
  }

  async tell(users: { id: number; phone: string }[], body: Body, log: Logger = this.base.log): Promise<void> {
    const now = this.base.clock.now();
    const hours = await this.quiet.of(this.db.read, users.map((u) => u.id));
    const held = users.filter((u) => this.isQuiet(hours.get(u.id), now));
    if (held.length > 0) {
      await this.db.transaction(async (tx) => {
        for (const u of held) await this.quiet.hold(tx, u.id, JSON.stringify(body), now);
      });
      log.info('notice SMS held for quiet hours', { kind: body.kind, device: body.device, accounts: held.length });
    }
    await Promise.all(users.filter((u) => !held.includes(u)).map((u) => this.send({ ...body, phone: u.phone } as Notice, log)));
  }

  /** Sends each account whose quiet hours are over what was held for it, as one summary SMS. */
  async sweep(now: number): Promise<void> {
    for (const account of await this.quiet.holding(this.db.read, BATCH)) {
      if (this.isQuiet(account.hours, now)) continue;
      const bodies = (await this.db.transaction((tx) => this.quiet.take(tx, account.id))).map((b) => JSON.parse(b) as Body);
      if (bodies.length === 0) continue;
      const lines = bodies.slice(0, NAMED).map((b) => `${b.device}: ${b.kind}`);
      this.base.log.info('quiet hours over: summary SMS', { phone: maskPhone(account.phone), held: bodies.length });
      await this.send({ kind: 'summary', phone: account.phone, count: bodies.length, lines }, this.base.log);
    }
  }

  private async send(message: SmsMessage, log: Logger): Promise<void> {
    const sent = await this.gateway.send(message).catch((err: Error) => ({ ok: false as const, detail: err.message }));
    if (!sent.ok) log.warn('notice SMS not sent', { kind: message.kind, phone: maskPhone(message.phone), detail: 'detail' in sent ? sent.detail : '' });
  }
}

import { and, countDistinct, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

export type Role = 'family' | 'resident' | 'last_resort';
export type CallEnd = 'answered' | 'no_answer' | 'busy' | 'failed';

/** Who a fall's message of this kind is for (gateway.ts's FallKind). */
export function roleOf(kind: string): Role {
  return kind === 'resident-call' ? 'resident' : kind === 'last-resort' || kind === 'last-resort-call' ? 'last_resort' : 'family';
}

/** An SMS sent or a call placed for a fall, as alert_contacts keeps it. */
export interface Contact {
  noticeId: number;
  role: Role;
  channel: 'sms' | 'call';
  kind: string;
  phone: string;
  userId: number | null;
  callId: string | null;
  sentAt: number;
}

/** A call we placed, with what a keypress or its end needs to know. */
export interface PlacedCall {
  id: number;
  noticeId: number;
  role: Role;
  phone: string;
  userId: number | null;
  sentAt: number;
  status: string | null;
  keypress: string | null;
}

/** What the chain reached for a fall and how it was answered, for its timeline. */
export interface ContactEntry {
  role: Role;
  channel: 'sms' | 'call';
  kind: string;
  phone: string;
  userId: number | null;
  sentAt: number;
  status: string | null;
  statusAt: number | null;
  keypress: string | null;
  keypressAt: number | null;
}

/** Whom a fall's chain reached, how they answered, and the callbacks already taken (schema-answers.ts). */
export class AnswerStore {
  constructor(private readonly db: Database) {}

  async add(tx: Tx, rows: Contact[]): Promise<void> {
    if (rows.length) await tx.q.insert(this.db.t.alertContacts).values(rows);
  }

  async call(q: Q, callId: string): Promise<PlacedCall | undefined> {
    const c = this.db.t.alertContacts;
    const [row] = await q.q.select({ id: c.id, noticeId: c.noticeId, role: c.role, phone: c.phone, userId: c.userId, sentAt: c.sentAt, status: c.status, keypress: c.keypress })
      .from(c).where(and(eq(c.callId, callId), eq(c.channel, 'call')));
    return row as PlacedCall | undefined;
  }

  /** The first key that counts on a call; false when one was recorded already (a retried callback). */
  async keypress(tx: Tx, id: number, key: string, now: number): Promise<boolean> {
    const c = this.db.t.alertContacts;
    return this.db.affected(await tx.q.update(c).set({ keypress: key, keypressAt: now }).where(and(eq(c.id, id), isNull(c.keypress)))) === 1;
  }

  /** How a call ended, once. */
  async ended(tx: Tx, id: number, status: CallEnd, now: number): Promise<boolean> {
    const c = this.db.t.alertContacts;
    return this.db.affected(await tx.q.update(c).set({ status, statusAt: now }).where(and(eq(c.id, id), isNull(c.status)))) === 1;
  }

  /**
   * The fall a reply from `phone` answers: the newest one still unacknowledged that it was sent an SMS
   * about since `since`, as a family member still bound to the camera or as its last resort.
   */
  async replyTarget(q: Q, phone: string, since: number): Promise<{ noticeId: number; role: Role; userId: number | null } | undefined> {
    const { alertContacts: c, notices: n, bindings: b } = this.db.t;
    const [row] = await q.q.select({ noticeId: c.noticeId, role: c.role, userId: c.userId }).from(c).innerJoin(n, eq(n.id, c.noticeId))
      .where(and(eq(c.phone, phone), eq(c.channel, 'sms'), gte(c.sentAt, since), isNull(n.ackAt), inArray(c.role, ['family', 'last_resort']),
        or(eq(c.role, 'last_resort'), sql`exists (select 1 from ${b} where ${b.userId} = ${c.userId} and ${b.deviceId} = ${n.deviceId})`)))
      .orderBy(desc(n.createdAt), desc(n.id)).limit(1);
    return row as { noticeId: number; role: Role; userId: number | null } | undefined;
  }

  /** How many falls `phone` was sent an SMS about since `since` are still unacknowledged. */
  async stillOpen(q: Q, phone: string, since: number): Promise<number> {
    const { alertContacts: c, notices: n } = this.db.t;
    const [row] = await q.q.select({ n: countDistinct(c.noticeId) }).from(c).innerJoin(n, eq(n.id, c.noticeId))
      .where(and(eq(c.phone, phone), eq(c.channel, 'sms'), gte(c.sentAt, since), isNull(n.ackAt)));
    return Number(row?.n ?? 0);
  }

  async ofNotice(q: Q, noticeId: number): Promise<ContactEntry[]> {
    const c = this.db.t.alertContacts;
    return await q.q.select({
      role: c.role, channel: c.channel, kind: c.kind, phone: c.phone, userId: c.userId, sentAt: c.sentAt,
      status: c.status, statusAt: c.statusAt, keypress: c.keypress, keypressAt: c.keypressAt,
    }).from(c).where(eq(c.noticeId, noticeId)).orderBy(c.id) as ContactEntry[];
  }

  /** Takes a callback once: false when one with this key was taken already (the provider retried). */
  async take(tx: Tx, key: string, now: number): Promise<boolean> {
    const p = this.db.t.providerCallbacks;
    return this.db.affected(await tx.q.insert(p).values({ key, at: now }).onConflictDoNothing()) === 1;
  }

  async sweep(tx: Tx, before: number): Promise<number> {
    const p = this.db.t.providerCallbacks;
    return this.db.affected(await tx.q.delete(p).where(lt(p.at, before)));
  }

  /** The resident is being called about the fall (in the fall's own transaction). */
  async asking(tx: Tx, noticeId: number, now: number): Promise<void> {
    const n = this.db.t.notices;
    await tx.q.update(n).set({ residentAnswer: 'calling', residentAt: now }).where(eq(n.id, noticeId));
  }

  /** The resident's answer, once: false when it was given (or timed out) already. */
  async answered(tx: Tx, noticeId: number, answer: 'ok' | 'help' | 'no_answer', now: number): Promise<boolean> {
    const n = this.db.t.notices;
    return this.db.affected(await tx.q.update(n).set({ residentAnswer: answer, residentAt: now })
      .where(and(eq(n.id, noticeId), eq(n.residentAnswer, 'calling')))) === 1;
  }
}

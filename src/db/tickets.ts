import { and, count, eq, gt, lte } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

export type TicketKind = 'captcha' | 'wechat' | 'sms-sending' | 'upload-secret' | 'push-keys';

/** One-use tickets any instance may redeem (schema.ts, `tickets`). */
export class TicketStore {
  constructor(private readonly db: Database) {}

  /** false when the key is held and not expired (an expired holder is replaced). */
  async put(tx: Tx, kind: TicketKind, key: string, value: string, expiresAt: number, now: number): Promise<boolean> {
    const { tickets } = this.db.t;
    await tx.q.delete(tickets).where(and(eq(tickets.kind, kind), eq(tickets.key, key), lte(tickets.expiresAt, now)));
    const added = await tx.q.insert(tickets).values({ kind, key, value, expiresAt }).onConflictDoNothing().returning({ key: tickets.key });
    return added.length === 1;
  }

  /** Takes the ticket (it is gone for every instance after this); undefined when there is none. */
  async take(tx: Tx, kind: TicketKind, key: string): Promise<{ value: string; expiresAt: number } | undefined> {
    const { tickets } = this.db.t;
    const [row] = await tx.q.delete(tickets).where(and(eq(tickets.kind, kind), eq(tickets.key, key)))
      .returning({ value: tickets.value, expiresAt: tickets.expiresAt });
    return row;
  }

  async peek(q: Q, kind: TicketKind, key: string): Promise<{ value: string; expiresAt: number } | undefined> {
    const { tickets } = this.db.t;
    const [row] = await q.q.select({ value: tickets.value, expiresAt: tickets.expiresAt }).from(tickets).where(and(eq(tickets.kind, kind), eq(tickets.key, key)));
    return row;
  }

  async remove(tx: Tx, kind: TicketKind, key: string): Promise<void> {
    const { tickets } = this.db.t;
    await tx.q.delete(tickets).where(and(eq(tickets.kind, kind), eq(tickets.key, key)));
  }

  /** Live tickets of a kind: what a limit on pending captchas counts. */
  async live(q: Q, kind: TicketKind, now: number): Promise<number> {
    const { tickets } = this.db.t;
    const [row] = await q.q.select({ n: count() }).from(tickets).where(and(eq(tickets.kind, kind), gt(tickets.expiresAt, now)));
    return row?.n ?? 0;
  }

  async sweep(tx: Tx, now: number): Promise<number> {
    const { tickets } = this.db.t;
    return this.db.affected(await tx.q.delete(tickets).where(lte(tickets.expiresAt, now)));
  }
}

import { and, count, eq } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

/** Terminals an account has proven, and the WeChat link: what login decides on. */
export class TerminalStore {
  constructor(private readonly db: Database) {}

  /** 'new' only when the account has known terminals and this is not one of them. */
  async standing(q: Q, userId: number, deviceNo: string): Promise<'known' | 'first' | 'new'> {
    const { terminals } = this.db.t;
    const known = await q.q.select({ id: terminals.id }).from(terminals).where(and(eq(terminals.userId, userId), eq(terminals.deviceNo, deviceNo)));
    if (known.length > 0) return 'known';
    const [{ n }] = await q.q.select({ n: count() }).from(terminals).where(eq(terminals.userId, userId)) as [{ n: number }];
    return n === 0 ? 'first' : 'new';
  }

  async remember(tx: Tx, userId: number, deviceNo: string, now: number): Promise<void> {
    await tx.q.insert(this.db.t.terminals).values({ userId, deviceNo, createdAt: now }).onConflictDoNothing();
  }

  async byOpenid(q: Q, openid: string): Promise<{ id: number; phone: string } | undefined> {
    const { users } = this.db.t;
    return (await q.q.select({ id: users.id, phone: users.phone }).from(users).where(eq(users.wechatOpenid, openid)))[0];
  }

  /** false when another account holds the openid. */
  async linkOpenid(tx: Tx, userId: number, openid: string, now: number): Promise<boolean> {
    const holder = await this.byOpenid(tx, openid);
    if (holder && holder.id !== userId) return false;
    const { users } = this.db.t;
    await tx.q.update(users).set({ wechatOpenid: openid, updatedAt: now }).where(eq(users.id, userId));
    return true;
  }
}

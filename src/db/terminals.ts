import { and, count, eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { terminals, users } from './schema.js';

/** Terminals an account has proven, and the WeChat link: what login decides on. */
export class TerminalStore {
  constructor(private readonly db: Db) {}

  /** 'new' only when the account has known terminals and this is not one of them. */
  standing(userId: number, deviceNo: string): 'known' | 'first' | 'new' {
    if (this.db.select({ id: terminals.id }).from(terminals).where(and(eq(terminals.userId, userId), eq(terminals.deviceNo, deviceNo))).get()) {
      return 'known';
    }
    const [{ n }] = this.db.select({ n: count() }).from(terminals).where(eq(terminals.userId, userId)).all() as [{ n: number }];
    return n === 0 ? 'first' : 'new';
  }

  remember(userId: number, deviceNo: string, now: number): void {
    this.db.insert(terminals).values({ userId, deviceNo, createdAt: now }).onConflictDoNothing().run();
  }

  byOpenid(openid: string): { id: number } | undefined {
    return this.db.select({ id: users.id }).from(users).where(eq(users.wechatOpenid, openid)).get();
  }

  /** false when another account holds the openid. */
  linkOpenid(userId: number, openid: string, now: number): boolean {
    const holder = this.byOpenid(openid);
    if (holder && holder.id !== userId) return false;
    this.db.update(users).set({ wechatOpenid: openid, updatedAt: now }).where(eq(users.id, userId)).run();
    return true;
  }
}

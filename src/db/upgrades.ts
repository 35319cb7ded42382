import { desc, eq, or } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

export type Upgrade = Database['t']['upgrades']['$inferSelect'];

/** Published upgrade packages. */
export class UpgradeStore {
  constructor(private readonly db: Database) {}

  async versions(q: Q, platform: string): Promise<string[]> {
    const { upgrades } = this.db.t;
    return (await q.q.select({ version: upgrades.version }).from(upgrades).where(eq(upgrades.platform, platform))).map((u) => u.version);
  }

  /** null when that platform and version are already there. */
  async insert(tx: Tx, row: Omit<Upgrade, 'id'>): Promise<Upgrade | null> {
    return (await tx.q.insert(this.db.t.upgrades).values(row).onConflictDoNothing().returning())[0] ?? null;
  }

  async all(q: Q): Promise<Upgrade[]> {
    const { upgrades } = this.db.t;
    return q.q.select().from(upgrades).orderBy(desc(upgrades.createdAt), desc(upgrades.id));
  }

  async delete(tx: Tx, id: number): Promise<Upgrade | null> {
    const { upgrades } = this.db.t;
    return (await tx.q.delete(upgrades).where(eq(upgrades.id, id)).returning())[0] ?? null;
  }

  /** Packages for `platform` and for every platform (''), newest first. */
  async forPlatform(q: Q, platform: string): Promise<Upgrade[]> {
    const { upgrades } = this.db.t;
    return q.q.select().from(upgrades).where(or(eq(upgrades.platform, platform), eq(upgrades.platform, ''))).orderBy(desc(upgrades.createdAt));
  }
}

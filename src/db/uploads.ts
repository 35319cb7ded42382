import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database, Q, Tx } from './engine.js';

export type GrantRow = Database['t']['uploadGrants']['$inferSelect'];
export type FileRow = Database['t']['files']['$inferSelect'];

/** Two-step uploads: grants (file.params), then the files they admitted. */
export class UploadStore {
  constructor(private readonly db: Database) {}

  async grant(tx: Tx, row: Omit<GrantRow, 'usedAt'>): Promise<void> {
    await tx.q.insert(this.db.t.uploadGrants).values(row);
  }

  /** Uses a live grant up; null when there is none. */
  async take(tx: Tx, id: string, now: number): Promise<GrantRow | null> {
    const { uploadGrants } = this.db.t;
    const [row] = await tx.q.update(uploadGrants).set({ usedAt: now })
      .where(and(eq(uploadGrants.id, id), isNull(uploadGrants.usedAt), gt(uploadGrants.expiresAt, now)))
      .returning();
    return row ?? null;
  }

  async addFile(tx: Tx, row: FileRow): Promise<void> {
    await tx.q.insert(this.db.t.files).values(row);
  }

  async file(q: Q, userId: number, fileId: string, module: string): Promise<FileRow | undefined> {
    const { files } = this.db.t;
    return (await q.q.select().from(files).where(and(eq(files.id, fileId), eq(files.userId, userId), eq(files.module, module))))[0];
  }

  async deleteFile(tx: Tx, fileId: string): Promise<void> {
    const { files } = this.db.t;
    await tx.q.delete(files).where(eq(files.id, fileId));
  }
}

import type { Database } from '../../db/engine.js';
import type { NoticeStore } from '../../db/notices.js';
import type { FileStore } from '../media/index.js';
import { legacyPicName, sha256Hex } from '../shared/index.js';

/** A staged photo is whole when it hashes to its name: ours (sha256) or HelpAged-Python's (md5 + "helpaged"). */
function wholeUnder(name: string, bytes: Buffer): boolean {
  return sha256Hex(bytes).slice(0, 32) === name || legacyPicName(bytes) === name;
}

/** What a crash or a lost bucket write left of the notices' photos, put right at start and by the sweeps. */
export class NoticeRecovery {
  constructor(
    private readonly db: Database,
    private readonly notices: NoticeStore,
    private readonly files: FileStore,
  ) {}

  /**
   * After a crash: finish what was committed, drop what was not. A staged
   * file is whole exactly when its bytes hash to its name; a half-written
   * one (a crash while the same picture was being stored again) is dropped.
   */
  async recover(): Promise<{ placed: number; dropped: number }> {
    let placed = 0;
    let dropped = 0;
    for (const { name, staged } of await this.files.leftovers()) {
      if (await this.notices.referenced(this.db.read, name) && wholeUnder(name, await this.files.readStaged(staged))) {
        await this.files.place(staged, name);
        placed++;
      } else {
        await this.files.discard(staged);
        dropped++;
      }
    }
    return { placed, dropped };
  }

  /**
   * Removes photos no notice names that were stored before `before` (in a bucket: a PUT whose row never
   * committed). Younger ones may belong to an upload between its PUT and its commit.
   */
  async sweepOrphans(before: number): Promise<number> {
    let removed = 0;
    for await (const name of this.files.storedBefore(before)) {
      if (await this.notices.referenced(this.db.read, name)) continue;
      await this.files.remove(name);
      removed++;
    }
    return removed;
  }
}

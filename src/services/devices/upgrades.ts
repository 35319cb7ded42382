import type { Clock } from '../../clock.js';
import type { Database, Tx } from '../../db/engine.js';
import type { Upgrade, UpgradeStore } from '../../db/upgrades.js';
import type { FileStore } from '../media/index.js';
import { sha256Hex } from '../shared/index.js';

export type { Upgrade };

/** Numeric, segment by segment: 1.10.0 > 1.9.2, 2 = 2.0. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

interface Meta {
  platform: string;
  version: string;
  description: string | null;
  filename?: string;
}

const extension = (filename: string | undefined) => /\.([A-Za-z0-9]{1,8})$/.exec(filename ?? '')?.[0].toLowerCase() ?? '.bin';

/** `<platform|all>-<version>-<sha256 prefix><ext>`: never reused, so served immutable. */
const fileName = (p: Meta, sha256: string) => `${p.platform || 'all'}-${p.version}-${sha256.slice(0, 8)}${extension(p.filename)}`;

/** Runs in the transaction that publishes or withdraws a package (the audit entry). */
type Recorded = (tx: Tx, row: Upgrade) => Promise<void>;

/** Upgrade packages (seed 002): one file per platform and version under $DATA_DIR/dist, served by GET /dist/<file>. */
export class Upgrades {
  constructor(private readonly db: Database, private readonly store: UpgradeStore, private readonly dist: FileStore, private readonly clock: Clock) {}

  async exists(platform: string, version: string): Promise<boolean> {
    return (await this.store.versions(this.db.read, platform)).some((v) => compareVersions(v, version) === 0);
  }

  /** null when that platform already has that version (numerically: 1.2 = 1.2.0). */
  async publish(p: Meta & { bytes: Buffer }, recorded?: Recorded): Promise<Upgrade | null> {
    if (await this.exists(p.platform, p.version)) return null;
    const sha256 = sha256Hex(p.bytes);
    const file = fileName(p, sha256);
    await this.dist.place(await this.dist.stage(file, p.bytes), file);
    return this.record(p, file, p.bytes.length, sha256, recorded);
  }

  /** The same, for a two-step upload's file: it is copied into dist. */
  async publishFile(p: Meta & { source: FileStore; fileId: string; size: number; sha256: string }, recorded?: Recorded): Promise<Upgrade | null> {
    if (await this.exists(p.platform, p.version)) return null;
    const file = fileName(p, p.sha256);
    await this.dist.place(await this.dist.stageFrom(file, p.source, p.fileId), file);
    return this.record(p, file, p.size, p.sha256, recorded);
  }

  private record(p: Meta, file: string, size: number, sha256: string, recorded?: Recorded): Promise<Upgrade | null> {
    return this.db.transaction(async (tx) => {
      const row = await this.store.insert(tx, {
        platform: p.platform, version: p.version, file, size, sha256, description: p.description, createdAt: this.clock.now(),
      });
      if (row) await recorded?.(tx, row);
      return row;
    });
  }

  /** Every published package, newest first. */
  all(): Promise<Upgrade[]> {
    return this.store.all(this.db.read);
  }

  /** Withdraws a package: its row, then its file (a file left by a crash in between is served by nothing). null when there is none. */
  async remove(id: number, removed?: Recorded): Promise<Upgrade | null> {
    const row = await this.db.transaction(async (tx) => {
      const gone = await this.store.delete(tx, id);
      if (gone) await removed?.(tx, gone);
      return gone;
    });
    if (row) await this.dist.remove(row.file);
    return row;
  }

  /** The newest package for `platform` (packages published without a platform count for every platform). */
  async latest(platform: string): Promise<Upgrade | undefined> {
    return (await this.store.forPlatform(this.db.read, platform)).sort((a, b) => compareVersions(b.version, a.version) || b.createdAt - a.createdAt)[0];
  }
}

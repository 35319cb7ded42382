import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** The file-system calls that durability rests on; tests swap in a failing disk. */
export interface FileOps {
  /** Writes the whole file and fsyncs it before resolving. */
  writeDurable(file: string, bytes: Buffer): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  fsyncDir(dir: string): Promise<void>;
}

export const realFileOps: FileOps = {
  async writeDurable(file, bytes) {
    const handle = await fs.open(file, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fs.rename(from, to),
  unlink: (file) => fs.unlink(file),
  async fsyncDir(dir) {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

export const exists = (file: string) => fs.access(file).then(() => true, () => false);

/** Flushes a file already written by other means (a stream, a copy) to the disk. */
export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A folder of content-named files written crash-safely: bytes go to
 * `.tmp/` and are fsynced, then renamed into place and the folder fsynced.
 * A reader never sees half a file under its final name.
 */
export class DurableDir {
  readonly tmp: string;

  constructor(readonly root: string, private readonly ops: FileOps = realFileOps, private readonly sharded = true) {
    this.tmp = path.join(root, '.tmp');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.tmp, { recursive: true });
  }

  /** Where `name` lives: sharded by its first two characters so no folder grows huge. */
  pathOf(name: string): string {
    return this.sharded ? path.join(this.root, name.slice(0, 2), name) : path.join(this.root, name);
  }

  /** A fresh temporary path for `name` (for callers that stream into it themselves). */
  tempPath(name: string): string {
    return path.join(this.tmp, `${name}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  }

  /** Writes and fsyncs bytes under a temporary name; on failure nothing is left behind. */
  async stage(name: string, bytes: Buffer): Promise<string> {
    const file = this.tempPath(name);
    try {
      await this.ops.writeDurable(file, bytes);
    } catch (err) {
      await this.ops.unlink(file).catch(() => undefined);
      throw err;
    }
    return file;
  }

  /** Stages a copy of a file already on disk, fsynced like `stage`. */
  async stageCopy(name: string, source: string): Promise<string> {
    const file = this.tempPath(name);
    try {
      await fs.copyFile(source, file);
      await fsyncFile(file);
    } catch (err) {
      await this.ops.unlink(file).catch(() => undefined);
      throw err;
    }
    return file;
  }

  /** Moves a staged file to its final name (kept as is if that name exists: same name, same bytes). */
  async place(staged: string, name: string): Promise<void> {
    const final = this.pathOf(name);
    if (await exists(final)) {
      await this.discard(staged);
      return;
    }
    await fs.mkdir(path.dirname(final), { recursive: true });
    await this.ops.rename(staged, final);
    await this.ops.fsyncDir(path.dirname(final));
  }

  async discard(staged: string): Promise<void> {
    await this.ops.unlink(staged).catch(() => undefined);
  }

  async remove(name: string): Promise<void> {
    await this.ops.unlink(this.pathOf(name)).catch(() => undefined);
  }

  read(name: string): Promise<Buffer> {
    return fs.readFile(this.pathOf(name));
  }

  /** Staged files left by a crash: their final name and path. */
  async leftovers(): Promise<{ name: string; staged: string }[]> {
    const entries = await fs.readdir(this.tmp).catch(() => [] as string[]);
    return entries.filter((e) => e.endsWith('.tmp')).map((e) => ({ name: e.split('.')[0]!, staged: path.join(this.tmp, e) }));
  }
}

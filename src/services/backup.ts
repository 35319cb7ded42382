import fs from 'node:fs';
import path from 'node:path';
import { backupDatabase } from '../db/client.js';
import { fsyncFile } from './files.js';

/** The folders of content-addressed (or otherwise immutable) files under DATA_DIR, and the upload secret. */
const FOLDERS = ['notices', 'portraits', 'dist', 'uploads'];
const FILES = ['.upload-secret'];

export class BackupError extends Error {}

/**
 * A consistent copy of a running server's data: first SQLite's online backup
 * (a snapshot), then the files. A file is placed before its row commits and
 * photos are never rewritten, so every row in the snapshot finds its file.
 * Staged files (`.tmp`) are not copied. Everything is fsynced.
 */
export async function backup(dataDir: string, target: string): Promise<{ files: number; bytes: number }> {
  if (!fs.existsSync(path.join(dataDir, 'helpaged.sqlite'))) throw new BackupError(`DATA_DIR ${dataDir} holds no database`);
  if (path.resolve(target) === path.resolve(dataDir)) throw new BackupError('the backup folder is DATA_DIR itself');
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) throw new BackupError(`${target} is not empty`);
  fs.mkdirSync(target, { recursive: true });
  await backupDatabase(dataDir, path.join(target, 'helpaged.sqlite'));
  let files = 0;
  let bytes = 0;
  const folders = new Set<string>([target]);
  const copy = async (from: string, to: string) => {
    await fs.promises.mkdir(path.dirname(to), { recursive: true });
    try {
      await fs.promises.copyFile(from, to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // replaced since the snapshot (an old portrait)
      throw err;
    }
    await fsyncFile(to);
    folders.add(path.dirname(to));
    files++;
    bytes += (await fs.promises.stat(to)).size;
  };
  for (const folder of FOLDERS) {
    const root = path.join(dataDir, folder);
    if (!fs.existsSync(root)) continue;
    for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const full = path.join(entry.parentPath, entry.name);
      const relative = path.relative(root, full);
      if (relative.split(path.sep).includes('.tmp')) continue;
      await copy(full, path.join(target, folder, relative));
    }
  }
  for (const file of FILES) if (fs.existsSync(path.join(dataDir, file))) await copy(path.join(dataDir, file), path.join(target, file));
  for (const folder of folders) await fsyncFile(folder);
  return { files, bytes };
}

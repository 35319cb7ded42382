import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { backupDatabase } from '../../db/sqlite.js';
import { fsyncFile } from '../media/index.js';

/** The folders of content-addressed (or otherwise immutable) files under DATA_DIR, and the upload secret. */
const FOLDERS = ['notices', 'portraits', 'dist', 'uploads'];
const FILES = ['.upload-secret'];

export class BackupError extends Error {}

/** On PostgreSQL the database goes into the copy as pg_dump's custom format, restored with pg_restore. */
export const PG_DUMP = 'helpaged.pgdump';

/** pg_dump from PATH, else the newest under Debian's /usr/lib/postgresql. */
export function pgTool(name: 'pg_dump' | 'pg_restore'): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => path.join(root, v, 'bin', name)).find((p) => fs.existsSync(p)) ?? name;
}

/** pg_dump takes one snapshot of the whole database, while the server keeps serving. */
async function dumpPostgres(url: string, file: string): Promise<void> {
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const proc = spawn(pgTool('pg_dump'), ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${url}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (c) => (stderr += c));
    proc.on('error', (err) => resolve({ code: -1, stderr: err.message }));
    proc.on('exit', (c) => resolve({ code: c, stderr }));
  });
  if (code !== 0) throw new BackupError(`pg_dump failed: ${stderr.trim().split('\n').at(-1) ?? code}`);
  await fsyncFile(file);
}

/**
 * A consistent copy of a running server's data: first a snapshot of the
 * database (SQLite's online backup, or pg_dump), then the files. A file is placed before its row commits and
 * photos are never rewritten, so every row in the snapshot finds its file.
 * Staged files (`.tmp`) are not copied. Everything is fsynced. With S3_BUCKET the files are in the
 * bucket, not DATA_DIR: only the database is copied (the bucket is backed up with its own means).
 */
export async function backup(config: { dataDir: string; databaseUrl: string; s3: { bucket: string } | null }, target: string): Promise<{ files: number; bytes: number }> {
  const { dataDir, databaseUrl } = config;
  if (!databaseUrl && !fs.existsSync(path.join(dataDir, 'helpaged.sqlite'))) throw new BackupError(`DATA_DIR ${dataDir} holds no database`);
  if (path.resolve(target) === path.resolve(dataDir)) throw new BackupError('the backup folder is DATA_DIR itself');
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) throw new BackupError(`${target} is not empty`);
  fs.mkdirSync(target, { recursive: true });
  if (databaseUrl) await dumpPostgres(databaseUrl, path.join(target, PG_DUMP));
  else await backupDatabase(dataDir, path.join(target, 'helpaged.sqlite'));
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
  for (const folder of config.s3 ? [] : FOLDERS) {
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

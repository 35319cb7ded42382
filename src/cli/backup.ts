import path from 'node:path';
import { loadConfigOrSay } from '../config.js';
import { backup, BackupError } from '../services/operations/index.js';

const USAGE = 'usage: npm run backup -- <empty or new folder>';

async function main(argv: string[]): Promise<number> {
  const [target] = argv;
  if (!target || argv.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfigOrSay();
  if (!config) return 2;
  const { dataDir } = config;
  const started = Date.now();
  try {
    const { files, bytes } = await backup(config, path.resolve(target));
    process.stdout.write(`backed up ${dataDir} to ${path.resolve(target)}: the database and ${files} files (${(bytes / 2 ** 20).toFixed(1)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    if (config.s3) process.stdout.write(`stored files are in the bucket ${config.s3.bucket}, not copied: back it up with the store's own versioning or replication\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    process.stderr.write(`backup not made: ${err.message}\n`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));

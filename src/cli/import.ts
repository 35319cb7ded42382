import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { systemClock } from '../clock.js';
import { loadConfigOrSay } from '../config.js';
import { openDatabase, openForReading, orSay } from '../db/client.js';
import { openSqlite } from '../db/sqlite.js';
import { createLogger } from '../log.js';
import { closeServices, createServices } from '../services/index.js';
import { ImportError, importLegacy, KINDS, loadSource, type Progress, type Report } from '../services/operations/index.js';
import { OutboxGateway } from '../services/sms/index.js';

const USAGE = 'usage: npm run import -- --from mysql://user:pass@host:port/db --objects <folder laid out by COS key> [--dry-run]';

/** A bar on a terminal; a plain line every tenth otherwise (logs, CI). */
function progressFor(tty: boolean): Progress {
  if (tty) {
    const bar = new cliProgress.SingleBar({ format: 'importing [{bar}] {percentage}% {value}/{total} rows', hideCursor: true }, cliProgress.Presets.shades_classic);
    return { start: (total) => bar.start(total, 0), tick: () => bar.increment(), stop: () => bar.stop() };
  }
  let total = 0;
  let done = 0;
  let next = 0;
  return {
    start: (n) => {
      total = n;
      process.stdout.write(`importing ${n} rows\n`);
    },
    tick: () => {
      done++;
      if (done >= next) {
        process.stdout.write(`  ${done}/${total} rows (${Math.round((done / Math.max(1, total)) * 100)}%)\n`);
        next = done + Math.max(1, Math.ceil(total / 10));
      }
    },
    stop: () => process.stdout.write(`  ${done}/${total} rows (100%)\n`),
  };
}

function summary(report: Report): string {
  const lines = KINDS.map((k) => `  ${k.padEnd(11)} ${String(report.imported[k]).padStart(7)} ${report.dry_run ? 'to import' : 'imported'}, ${report.already[k]} already here`);
  const nothing = KINDS.every((k) => report.imported[k] === 0);
  const skipped = report.skipped.map((s) => `  ${s.kind} ${s.key}: ${s.reason}`);
  return [
    report.dry_run ? 'dry run: nothing was written' : nothing ? 'nothing new to import: everything was already here' : 'import finished',
    ...lines,
    `${report.skipped.length} row(s) skipped or kept with a stand-in${skipped.length ? ':' : ''}`,
    ...skipped,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { from: { type: 'string' }, objects: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!args.from || !args.objects) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfigOrSay();
  if (!config) return 2;
  const dryRun = args['dry-run']!;
  const objects = path.resolve(args.objects);
  let data;
  try {
    data = await loadSource(args.from, objects);
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    process.stderr.write(`import stopped, nothing written: ${err.message}\n`);
    return 2;
  }
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  // a dry run reads the real database read-only and builds nothing but throw-away helpers elsewhere
  const scratch = dryRun ? fs.mkdtempSync(path.join(os.tmpdir(), 'helpaged-import-')) : null;
  const servicesDir = scratch ?? config.dataDir;
  const writable = dryRun ? openSqlite(servicesDir) : await orSay(openDatabase(config));
  if (!writable) return 2;
  // a dry run reads what is already there: nothing (a scratch database) when there is no database yet
  const existing = dryRun ? await orSay(openForReading(config).then((found) => ({ found }))) : { found: writable };
  if (!existing) return 2;
  const db = existing.found ?? writable;
  const services = await createServices({ ...config, dataDir: servicesDir }, systemClock, log, writable, { gateway: new OutboxGateway(servicesDir, systemClock) });
  try {
    const report = await importLegacy({
      data, objects, dryRun, config, clock: systemClock, log, db, services,
      progress: progressFor(process.stdout.isTTY === true),
    });
    process.stdout.write(`${summary(report)}\n`);
    if (!dryRun) {
      const file = path.join(config.dataDir, `import-report-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n', { mode: 0o600 });
      process.stdout.write(`report: ${file}\n`);
    }
    return 0;
  } finally {
    await closeServices(services);
    if (db !== writable) await db.close();
    await writable.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));

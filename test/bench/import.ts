/**
 * npm run bench:import [-- --notices 10000 --kb 600]
 *
 * Times `npm run import` of a HelpAged-Python database of N notices with
 * photos of about `kb` KB (made here, in a throwaway MariaDB and a folder laid
 * out by COS key), against a baseline measured in the same run: copying the
 * same photo files into a folder with an fsync each (the least any durable
 * import must do).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { legacyPicName } from '../../src/services/shared/random.js';
import { jpeg, tempDir } from '../helpers.js';
import { mariadbMissing, startMariaDb } from '../support/mariadb.js';

const { values: args } = parseArgs({ options: { notices: { type: 'string', default: '10000' }, kb: { type: 'string', default: '600' } } });
const N = Number(args.notices);
const missing = mariadbMissing();
if (missing) {
  console.log(`bench:import skipped: ${missing}`);
  process.exit(0);
}

const root = tempDir();
const objects = path.join(root, 'cos');
fs.mkdirSync(path.join(objects, 'fallpic'), { recursive: true });
const db = await startMariaDb();
try {
  const base = await jpeg(Number(args.kb), 1200, 900);
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const users: string[] = [];
  const infos: string[] = [];
  for (let i = 0; i < 100; i++) {
    const phone = `138${String(i).padStart(8, '0')}`;
    const salt = `s${String(i).padStart(9, '0')}`;
    users.push(`(${q(phone)}, ${q(crypto.createHash('md5').update(`pass-${i}${salt}`).digest('hex'))}, ${q(salt)}, '2025-01-01 08:00:00', '__NORMAL__')`);
    infos.push(`(${q(phone)}, 'n', 'nick', 'e@x', 1, ${q(`None|cam-${i % 10}|`)})`);
  }
  const devices = Array.from({ length: 10 }, (_, i) => `(${q(crypto.createHash('md5').update(`cam-${i}helpaged`).digest('hex'))}, ${q(`cam-${i}`)})`);
  const notices: string[] = [];
  const reads: string[] = [];
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < N; i++) {
    // each photo its own bytes: a comment segment with its number after SOI
    const tag = Buffer.from(`notice-${i}`);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(tag.length + 2);
    const photo = Buffer.concat([base.subarray(0, 2), Buffer.from([0xff, 0xfe]), len, tag, base.subarray(2)]);
    const pic = legacyPicName(photo);
    fs.writeFileSync(path.join(objects, 'fallpic', pic), photo);
    const when = new Date(t0 + i * 60_000).toISOString().slice(0, 19).replace('T', ' ');
    const event = crypto.createHash('md5').update(`${pic}${i}`).digest('hex');
    notices.push(`(${q(event)}, 'fall', ${q(`cam-${i % 10}`)}, ${q(pic)}, ${q(when)})`);
    reads.push(`(${q(event)}, ${q(`138${String(i % 100).padStart(8, '0')}`)}, 1)`);
  }
  const schema = fs.readFileSync(fileURLToPath(new URL('../fixtures/legacy/dump.sql', import.meta.url)), 'utf8').split('\n').filter((l) => !l.startsWith('INSERT INTO') && !l.startsWith('(') && !l.startsWith("('")).join('\n');
  const batches = (table: string, rows: string[]) => Array.from({ length: Math.ceil(rows.length / 1000) }, (_, b) => `INSERT INTO ${table} VALUES ${rows.slice(b * 1000, b * 1000 + 1000).join(',')};`).join('\n');
  db.load('big', `${schema}\n${batches('users', users)}\n${batches('usersinfo', infos)}\n${batches('devices', devices)}\n${batches('notice', notices)}\n${batches('notice_user', reads)}`);
  spawnSync('sync');
  const bytes = N * base.length;
  console.log(`made ${N} notices with ${(base.length / 1024).toFixed(0)} KB photos (${(bytes / 2 ** 30).toFixed(2)} GiB)`);

  const copyDir = path.join(root, 'copy');
  fs.mkdirSync(copyDir);
  let started = performance.now();
  for (const name of fs.readdirSync(path.join(objects, 'fallpic'))) {
    const data = fs.readFileSync(path.join(objects, 'fallpic', name));
    const fd = fs.openSync(path.join(copyDir, name), 'w');
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  }
  const baseline = (performance.now() - started) / 1000;
  fs.rmSync(copyDir, { recursive: true, force: true });
  spawnSync('sync');

  const dataDir = path.join(root, 'data');
  started = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/import.ts', '--from', db.url('big'), '--objects', objects], {
    encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir, NOTICE_TIMEZONE: 'UTC' }, maxBuffer: 64 * 1024 * 1024,
  });
  const ours = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`import failed: ${run.stderr}`);
  const line = run.stdout.split('\n').find((l) => l.includes('notices'));
  console.log(`import: ${ours.toFixed(1)} s (${(N / ours).toFixed(0)} notices/s, ${(bytes / 2 ** 20 / ours).toFixed(0)} MiB/s); ${line?.trim()}`);
  console.log(`baseline, the same photos copied with an fsync each: ${baseline.toFixed(1)} s; ratio ${(baseline / ours).toFixed(2)}`);
} finally {
  await db.stop();
  fs.rmSync(root, { recursive: true, force: true });
}

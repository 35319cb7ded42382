/**
 * Runs every test/**\/*.test.ts with uvu on SQLite, then all of them again on
 * a throwaway PostgreSQL cluster (started here when PostgreSQL's server
 * binaries are installed; one line says so when they are not), and prints
 * "N passed, N failed" on a line of its own. `npm test -- tokens` runs only
 * files whose path contains "tokens"; TEST_ENGINES=sqlite (or postgres) runs
 * one pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { run } from 'uvu/run';
import { postgresMissing, startCluster } from './support/postgres.js';

const root = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
/** Set in the PostgreSQL pass's own process (below): that pass runs the suites, the first one starts it. */
const pass = process.env.HELPAGED_TEST_PG ? 'postgres' : 'sqlite';
const engines = (process.env.TEST_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim());

function find(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'bench' ? [] : find(full);
    return e.name.endsWith('.test.ts') && full.includes(filter) ? [full] : [];
  }).sort();
}

const files = find(root);
if (files.length === 0) {
  console.error(`no test files match "${filter}"`);
  process.exit(1);
}

let passed = 0;
let failed = 0;
let skipped = 0;
if (pass === 'postgres' || engines.includes('sqlite')) {
  const counts = await runSuites();
  ({ passed, failed, skipped } = counts);
  if (pass === 'postgres') {
    console.log(`postgres pass: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
    process.exit(failed > 0 || counts.total === 0 || process.exitCode ? 1 : 0);
  }
}
let status = failed > 0 || process.exitCode ? 1 : 0;
if (engines.includes('postgres')) {
  const missing = postgresMissing();
  if (missing) {
    console.log(`PostgreSQL pass skipped: ${missing}; the SQLite pass ran everything`);
  } else {
    const pg = await postgresPass();
    passed += pg.passed;
    failed += pg.failed;
    skipped += pg.skipped;
    if (pg.status !== 0) status = 1;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status || passed === 0 ? 1 : 0);

/** The suites in this process, with uvu; counts read off its report. */
async function runSuites(): Promise<{ total: number; passed: number; failed: number; skipped: number }> {
  let captured = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (captured.length > 4096) captured = captured.slice(-4096);
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  console.log(`\n== ${pass} pass ==`);
  await run(files.map((file) => ({ name: path.relative(root, file), file })), { bail: false });
  process.stdout.write = write;
  // eslint-disable-next-line no-control-regex
  const plain = captured.replace(/\x1b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const ok = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  const skip = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  return { total, passed: ok, failed: total - ok - skip, skipped: skip };
}

/** The same suites in a process of their own, against a cluster started for them and removed after. */
async function postgresPass(): Promise<{ status: number; passed: number; failed: number; skipped: number }> {
  const cluster = await startCluster();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), filter], {
      env: { ...process.env, HELPAGED_TEST_PG: cluster.url('postgres'), HELPAGED_TEST_PG_CLUSTER: cluster.handle },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let tail = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-2000);
    });
    const status = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    const m = /postgres pass: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/.exec(tail);
    if (!m) return { status: 1, passed: 0, failed: 1, skipped: 0 };
    return { status, passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) };
  } finally {
    await cluster.remove();
  }
}

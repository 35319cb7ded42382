/**
 * Runs every test/**\/*.test.ts with uvu, then prints "N passed, N failed" on a
 * line of its own. `npm test -- tokens` runs only files whose path contains "tokens".
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from 'uvu/run';

const root = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';

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

let captured = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  if (captured.length > 4096) captured = captured.slice(-4096);
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

await run(files.map((file) => ({ name: path.relative(root, file), file })), { bail: false });

// eslint-disable-next-line no-control-regex
const plain = captured.replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const failed = total - passed - skipped;
process.stdout.write = write;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || total === 0 || process.exitCode ? 1 : 0);

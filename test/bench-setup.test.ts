import fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { START_ENV, START_FLAGS } from './support/start.js';

const startFlags = suite('benchmarks and the crash test run the server as npm start does');

startFlags('the same node flags and libuv pool size', () => {
  const start = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  for (const flag of START_FLAGS) assert.ok(start.includes(` ${flag} `), `npm start passes ${flag}`);
  for (const [name, value] of Object.entries(START_ENV)) assert.ok(start.includes(`${name}=\${${name}:-${value}}`), `npm start sets ${name}=${value} unless given`);
  assert.ok(start.endsWith('--import tsx src/main.ts'));
});

startFlags.run();

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { START_ENV, START_FLAGS } from './support/start.js';
import { openLoop } from './bench/open-loop.js';

const startFlags = suite('benchmarks and the crash test run the server as npm start does');

startFlags('the same node flags and libuv pool size', () => {
  const start = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  for (const flag of START_FLAGS) assert.ok(start.includes(` ${flag} `), `npm start passes ${flag}`);
  for (const [name, value] of Object.entries(START_ENV)) assert.ok(start.includes(`${name}=\${${name}:-${value}}`), `npm start sets ${name}=${value} unless given`);
  assert.ok(start.endsWith('--import tsx src/main.ts'));
});

startFlags.run();

const open = suite('the open-loop load (S3, S8, soak)');

open('times each request from when it was due: a stall shows on every request due meanwhile; each request can have a body of its own', async () => {
  const bodies: string[] = [];
  let held = false;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      const reply = () => res.end(bodies.length === 7 ? '{"id":1,"status":-1,"message":"no","data":{}}' : '{"id":1,"status":0,"message":"ok","data":{}}');
      // the 30th request is held for 300 ms, on the one connection: the 30 due meanwhile wait behind it
      if (bodies.length === 30 && !held) return void setTimeout(() => ((held = true), reply()), 300);
      reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    let n = 0;
    const result = await openLoop({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x?token=t`, body: () => Buffer.from(`{"n":${n++}}`), rate: 100, connections: 1, duration: 1 });
    assert.is(result.due, 100);
    assert.is(bodies.length, 100);
    assert.equal(new Set(bodies).size, 100, 'a body of its own each');
    assert.is(result.errors, 1, 'an envelope whose status is not 0 is an error');
    assert.is(result.answered, 99);
    assert.ok(result.max >= 290, `the held one: ${result.max} ms`);
    // due every 10 ms while the connection was held: about 30 of them waited 290 ms down to 10 ms
    assert.ok(result.over200 >= 5 && result.over50 >= 20, `${result.over200} over 200 ms, ${result.over50} over 50 ms`);
    assert.ok(result.p50 < 50, `the rest as they came: p50 ${result.p50} ms`);
  } finally {
    server.close();
  }
});

open.run();

/**
 * One load in a process of its own (lib.ts, loadInChild and openLoopInChild):
 * the reads S3 times are not then timed by an event loop that is also pushing
 * 100 MB/s of camera uploads. An autocannon load, or an open loop
 * (open-loop.ts) when the message says `open`. Given a count as its argument
 * it draws that many camera photos before it says it is ready, and sends them
 * as uploads (functions do not cross to another process).
 */
import type autocannon from 'autocannon';
import { load } from './lib.js';
import { openLoop, type OpenLoopOptions } from './open-loop.js';
import { cameraBodies } from './photos.js';

const photos = Number(process.argv[2] ?? 0);
const next = photos > 0 ? await cameraBodies(photos) : null;
process.once('message', (message: autocannon.Options | { open: OpenLoopOptions }) => {
  const reply = (result: object) => process.send!(result, () => process.exit(0));
  if ('open' in message) return void openLoop(message.open).then(reply);
  const opts = next ? { ...message, requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: next() }) }] } : message;
  load(opts).then(reply);
});
process.send!('ready');

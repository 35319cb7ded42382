/**
 * One autocannon load in a process of its own (lib.ts, loadInChild): the
 * reads S3 times are not then timed by an event loop that is also pushing
 * 100 MB/s of camera uploads. Given a count as its argument it draws that
 * many camera photos before it says it is ready, and sends them as uploads
 * (functions do not cross to another process).
 */
import type autocannon from 'autocannon';
import { load } from './lib.js';
import { cameraBodies } from './photos.js';

const photos = Number(process.argv[2] ?? 0);
const next = photos > 0 ? await cameraBodies(photos) : null;
process.once('message', (opts: autocannon.Options) => {
  if (next) opts = { ...opts, requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: next() }) }] };
  load(opts).then((result) => process.send!(result, () => process.exit(0)));
});
process.send!('ready');

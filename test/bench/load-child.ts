/**
 * One autocannon load in a process of its own (lib.ts, loadInChild): the
 * reads S3 times are not then timed by an event loop that is also pushing
 * 100 MB/s of camera uploads.
 */
import type autocannon from 'autocannon';
import { load } from './lib.js';

process.once('message', (opts: autocannon.Options) => {
  load(opts).then((result) => process.send!(result, () => process.exit(0)));
});
process.send!('ready');

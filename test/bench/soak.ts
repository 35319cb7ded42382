/**
 * npm run soak -- <minutes>   (default 10)
 *
 * Runs S2 (camera ingest at half of what one core sustains) and S1 (polling
 * reads) together against a fresh server and samples its resident memory every
 * 10 s. Past a warm-up of a tenth of the run, memory must not drift upward by
 * more than 10%: the mean of the last fifth against the mean of the first fifth.
 */
import type autocannon from 'autocannon';
import { account, call, dropScratch, load, openLoopInChild, pinSelf, scratchDir, startServer, stats } from './lib.js';
import { cameraBodies } from './photos.js';

pinSelf();

const minutes = Number(process.argv[2] ?? 10);
if (!Number.isFinite(minutes) || minutes <= 0) {
  console.error('usage: npm run soak -- <minutes>');
  process.exit(2);
}
const seconds = Math.round(minutes * 60);
const dataDir = scratchDir('helpaged-soak-');
const server = await startServer('src/main.ts', { DATA_DIR: dataDir, LOG_LEVEL: 'warn', NOTICES_PER_DEVICE_PER_MINUTE: '100000000' });
const token = await account(server, dataDir, `136${String(process.pid % 100000000).padStart(8, '0')}`);
const device = (await call(`${server.url}/api/device?token=${token}`, 'device', 'add', { device: 'soak-cam' })).data.device_id;
await call(`${server.url}/api/device?token=${token}`, 'device', 'bind', { device_id: device });

const nextBody = await cameraBodies(8, 'soak');
const ingestOpts = (duration: number, rate?: number): autocannon.Options => ({
  url: `${server.url}/api/notice?token=${device}`, method: 'POST', connections: 4, duration, ...(rate ? { overallRate: rate } : {}),
  requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: nextBody() }) }],
});
const max = (await load(ingestOpts(5))).rps;
const rate = Math.max(1, Math.floor(max / 2));
console.log(`soak: ${minutes} min; ingest at ${rate}/s (half of ${max.toFixed(1)}/s) with polling reads; RSS every 10 s`);

const samples: { t: number; rss: number }[] = [];
const started = Date.now();
const sampler = setInterval(async () => {
  const { rss } = await stats(server);
  samples.push({ t: (Date.now() - started) / 1000, rss });
  console.log(`  ${samples.at(-1)!.t.toFixed(0).padStart(5)} s  RSS ${(rss / 2 ** 20).toFixed(1)} MiB`);
}, 10_000);
const body = JSON.stringify({ id: 1, type: 'notice', subtype: 'get', data: { mode: 0, limit: 20 } });
// reads timed from a process of their own, as in the bench's S3 (this one's event loop also sends the uploads),
// and an open loop: each timed from when it was due
const readLoad = await openLoopInChild();
const [ingest, reads] = await Promise.all([
  load(ingestOpts(seconds, rate)),
  readLoad({ url: `${server.url}/api/get/notice?token=${token}`, body, rate: 300, connections: 10, duration: seconds }),
]);
clearInterval(sampler);
await server.stop();
dropScratch(dataDir);

const steady = samples.filter((s) => s.t >= seconds * 0.1);
const fifth = Math.max(1, Math.floor(steady.length / 5));
const mean = (xs: { rss: number }[]) => xs.reduce((a, s) => a + s.rss, 0) / xs.length;
const first = mean(steady.slice(0, fifth));
const last = mean(steady.slice(-fifth));
const drift = (last - first) / first;
console.log(`ingest ${ingest.rps.toFixed(1)}/s (${ingest.errors} errors), reads ${reads.rps.toFixed(0)}/s p99 ${reads.p99} ms, max ${reads.max} ms (${reads.errors} errors)`);
console.log(`RSS first fifth ${(first / 2 ** 20).toFixed(1)} MiB, last fifth ${(last / 2 ** 20).toFixed(1)} MiB: drift ${(drift * 100).toFixed(1)}% (limit 10%)`);
process.exitCode = drift > 0.1 || ingest.errors > 0 ? 1 : 0;

/**
 * S10: the console's photos. GET /app/photo/<id> (full, and ?size=list as WebP), warm, against a bare
 * node:http handler serving the same bytes (test/bench/file-baseline.ts), alternating; the first
 * request's latency for photos nobody has asked for yet; and S2's ingest with a family looking at
 * the falls as they arrive (every new fall's full and list photo, 4 a second) against S2 alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { account, call, median, spread, startServer, scratchDir, dropScratch, type Server } from './lib.js';
import { cameraBodies, photo } from './photos.js';

export interface S10Deps {
  ours: () => Promise<{ server: Server; dataDir: string }>;
  nextPhone: () => string;
  report: (line: string) => void;
  rounds: number;
  duration: number;
}

interface Rate { rps: number; p99: number; errors: number }

/** Closed loop on 8 connections over `paths`, each reply checked for HTTP 200. */
async function getLoad(base: string, paths: string[], headers: Record<string, string>, duration: number): Promise<Rate> {
  let i = 0;
  const r = await autocannon({
    url: base, connections: 8, duration, headers,
    requests: [{ setupRequest: (req) => ({ ...req, method: 'GET', path: paths[i++ % paths.length]! }) }],
  });
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

export async function s10(d: S10Deps): Promise<void> {
  const { server, dataDir } = await d.ours();
  const token = await account(server, dataDir, d.nextPhone());
  const api = (p: string) => `${server.url}/api${p}?token=${token}`;
  const device = (await call(api('/device'), 'device', 'add', { device: `photos-${Date.now()}` })).data.device_id;
  await call(api('/device'), 'device', 'bind', { device_id: device });
  const upload = async () => {
    const r = await call(`${server.url}/api/notice?token=${device}`, 'notice', 'upload', { base64: (await photo()).toString('base64') });
    if (r.status !== 0) throw new Error(`upload: ${JSON.stringify(r)}`);
  };
  const newest = async (n: number): Promise<string[]> => (await call(api('/get/notice'), 'notice', 'get', { mode: 2, limit: n })).data.list.map((x: { event_id: string }) => x.event_id);
  const cookie = { cookie: `helpaged_session=${token}`, accept: 'image/avif,image/webp,image/*,*/*;q=0.8' };
  const get = async (p: string) => {
    const started = performance.now();
    const res = await fetch(`${server.url}${p}`, { headers: cookie });
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
    return { body, ms: performance.now() - started };
  };

  // first requests: photos nobody has asked for, one at a time (a family opening a fall)
  const firstFull: number[] = [];
  const firstList: number[] = [];
  for (let i = 0; i < 30; i++) await upload();
  for (const id of await newest(30)) {
    firstFull.push((await get(`/app/photo/${id}`)).ms);
    firstList.push((await get(`/app/photo/${id}?size=list`)).ms);
  }

  // warm: ten photos in both sizes, their bytes handed to the bare handler
  const dir = scratchDir('helpaged-photo-baseline-');
  const ids = (await newest(10));
  for (const [i, id] of ids.entries()) {
    fs.writeFileSync(path.join(dir, `full-${i}`), (await get(`/app/photo/${id}`)).body);
    fs.writeFileSync(path.join(dir, `list-${i}`), (await get(`/app/photo/${id}?size=list`)).body);
  }
  const bare = await startServer('test/bench/file-baseline.ts', { BASELINE_DIR: dir });
  await fetch(`${bare.url}/reload`);
  const sizes = { full: fs.statSync(path.join(dir, 'full-0')).size, list: fs.statSync(path.join(dir, 'list-0')).size };
  for (const size of ['full', 'list'] as const) {
    const oursPaths = ids.map((id) => `/app/photo/${id}${size === 'list' ? '?size=list' : ''}`);
    const barePaths = ids.map((_, i) => `/photo/${size}-${i}`);
    const a: Rate[] = [];
    const b: Rate[] = [];
    await getLoad(server.url, oursPaths, cookie, 2);
    for (let r = 0; r < d.rounds; r++) {
      a.push(await getLoad(server.url, oursPaths, cookie, d.duration));
      b.push(await getLoad(bare.url, barePaths, {}, d.duration));
      console.log(`  S10 ${size} round ${r + 1}: ours ${a.at(-1)!.rps.toFixed(0)}/s p99 ${a.at(-1)!.p99} ms | bare ${b.at(-1)!.rps.toFixed(0)}/s`);
    }
    const ratio = median(a.map((x) => x.rps)) / median(b.map((x) => x.rps));
    d.report(`S10 GET /app/photo ${size === 'full' ? 'full (1280 px JPEG' : 'size=list (480 px WebP'}, ${(sizes[size] / 1024).toFixed(0)} KB), warm, 8 connections: ${spread(a.map((x) => x.rps), 1)}/s, p99 ${median(a.map((x) => x.p99))} ms `
      + `vs a bare node:http handler serving the same bytes ${spread(b.map((x) => x.rps), 1)}/s = ${ratio.toFixed(2)} (target >= 0.5${size === 'full' ? '' : ', informative'}); errors ${a.reduce((n, x) => n + x.errors, 0)}`);
  }
  d.report(`S10 first request of a photo nobody asked for (1920x1080 camera JPEGs, 30, one at a time): full p50 ${pct(firstFull, 50).toFixed(0)} ms, p99 ${pct(firstFull, 99).toFixed(0)} ms; `
    + `list p50 ${pct(firstList, 50).toFixed(0)} ms, p99 ${pct(firstList, 99).toFixed(0)} ms (target p99 < 150)`);
  await bare.stop();
  dropScratch(dir);

  // S2 with a family looking at each new fall (full and list, 4 photos a second) against S2 alone
  const next = await cameraBodies(12);
  const ingest = () => autocannon({
    url: `${server.url}/api/notice?token=${device}`, method: 'POST', connections: 8, duration: d.duration, headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: next() }) }],
  });
  const plain: number[] = [];
  const viewed: number[] = [];
  let looked = 0;
  for (let r = 0; r < d.rounds; r++) {
    plain.push((await ingest()).requests.average);
    let on = true;
    const viewer = (async () => {
      while (on) {
        const [id] = await newest(1);
        await Promise.all([get(`/app/photo/${id}`), get(`/app/photo/${id}?size=list`)]).catch(() => undefined);
        looked += 2;
        await new Promise((res) => setTimeout(res, 500));
      }
    })();
    viewed.push((await ingest()).requests.average);
    on = false;
    await viewer;
    console.log(`  S10/S2 round ${r + 1}: alone ${plain.at(-1)!.toFixed(0)}/s | with photos viewed ${viewed.at(-1)!.toFixed(0)}/s`);
  }
  d.report(`S10 S2 ingest with a family viewing each new fall's photos (${looked} made meanwhile): ${spread(viewed, 1)} notices/s vs S2 alone ${spread(plain, 1)} = ${(median(viewed) / median(plain)).toFixed(2)} (target >= 0.95)`);
  await server.stop();
}

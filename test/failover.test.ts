/**
 * Failover: two instances on one PostgreSQL and one bucket behind a round-robin proxy; one is killed
 * (SIGKILL) during four-way camera ingest. Registered only in the PostgreSQL pass.
 */
import fs from 'node:fs';
import http from 'node:http';
import { EventSource } from 'eventsource';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ENGINE, engineEnv, jpeg, newPhone, passes, tempDir, until } from './helpers.js';
import { clientOf, startChild, type Child } from './support/child.js';
import { startProxy } from './support/proxy.js';
import { startS3 } from './support/s3.js';

/** One POST on a connection of its own (so that the proxy spreads them), the reply's JSON or null when the connection failed. */
function post(base: string, urlPath: string, body: unknown): Promise<any | null> {
  const text = JSON.stringify(body);
  return new Promise((resolve) => {
    const req = http.request(`${base}${urlPath}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      let out = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (out += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(out));
        } catch {
          resolve(null);
        }
      });
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
    req.end(text);
  });
}

const call = (base: string, urlPath: string, type: string, subtype: string, data: unknown, token?: string) =>
  post(base, `${urlPath}${token ? `?token=${token}` : ''}`, { id: 1, type, subtype, data });

if (ENGINE === 'postgres') {
  const test = suite('failover: one of two instances killed during camera ingest');

  test('every acknowledged fall is listed through the survivor with its photo byte-identical; streams resume there, missing nothing, nothing twice', async () => {
    const s3 = await startS3();
    const dirs = [tempDir(), tempDir()];
    const databaseUrl = (await engineEnv(dirs[0]!)).DATABASE_URL!;
    const env = (dataDir: string) => ({
      ...s3.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', PASSWORD_SCRYPT_LOG2N: '10',
      SMS_PHONE_INTERVAL_SECONDS: '0', SSE_RETRY_MS: '200', NOTICES_PER_DEVICE_PER_MINUTE: '100000', ALERT_SMS_COOLDOWN_SECONDS: '3600',
    });
    const children: Child[] = [await startChild(env(dirs[0]!)), await startChild(env(dirs[1]!))];
    const [a, b] = children as [Child, Child];
    const port = (c: Child) => Number(new URL(c.url).port);
    // the balancer's view: an instance whose health check fails is taken out
    let up = [port(a), port(b)];
    const proxy = await startProxy(() => up);
    const streams: { es: EventSource; ids: string[]; opens: number }[] = [];
    try {
      const api = clientOf(b, dirs[1]!);
      const token = await api.signUp(newPhone());
      const cameras: string[] = [];
      for (let i = 0; i < 4; i++) cameras.push(await api.camera(token));

      // two streams through the proxy: one lands on each instance
      for (let i = 0; i < 2; i++) {
        const es = new EventSource(`${proxy.url}/api/notice/stream?token=${token}`);
        const s = { es, ids: [] as string[], opens: 0 };
        es.addEventListener('notice', (ev) => s.ids.push(JSON.parse((ev as MessageEvent).data).event_id));
        es.addEventListener('open', () => s.opens++);
        streams.push(s);
        await until(() => s.opens === 1, 3000, 'stream open');
      }

      // a photo of its own for every upload, so that each acknowledged one is one row
      const photos: Buffer[] = [];
      for (let i = 0; i < 240; i++) photos.push(await jpeg(8, 320, 240));
      const acknowledged = new Map<string, Buffer>(); // pic_name -> the bytes the camera sent
      let afterKill = 0;
      let killed = false;
      let stop = false;
      const ingest = async (camera: string, n: number) => {
        for (let i = n; !stop && i < photos.length; i += 4) {
          const photo = photos[i]!;
          const reply = await call(proxy.url, '/notice', 'notice', 'upload', { base64: photo.toString('base64'), content: `${n}-${i}` }, camera);
          if (reply?.status === 0) {
            acknowledged.set(reply.data.pic_name, photo);
            if (killed) afterKill++;
          }
        }
      };
      const loops = cameras.map((c, n) => ingest(c, n));
      await until(() => acknowledged.size >= 40, 20_000, 'ingest under way');
      await a.kill('SIGKILL');
      killed = true;
      up = [port(b)];
      await until(() => afterKill >= 40, 20_000, 'ingest continuing through the survivor');
      stop = true;
      await Promise.all(loops);

      const listed = await call(b.url, '/get/notice', 'notice', 'get', { mode: 2 }, token);
      passes(listed);
      const byPic = new Map<string, { event_id: string }>(listed.data.list.map((item: { pic_name: string; event_id: string }) => [item.pic_name, item]));
      assert.is(byPic.size, listed.data.list.length, 'one row per photo');
      for (const [pic, bytes] of acknowledged) {
        assert.ok(byPic.has(pic), `acknowledged ${pic} is listed`);
        const info = await call(b.url, '/get/notice', 'notice', 'info', { event_id: byPic.get(pic)!.event_id }, token);
        assert.ok(Buffer.from(info.data.base64, 'base64').equals(bytes), `${pic} byte-identical`);
      }
      // nothing half-written: every row's photo is in the bucket, whole
      const keys = new Set(await s3.keys('notices/'));
      for (const item of listed.data.list) {
        assert.ok(keys.has(`notices/${item.pic_name}`), `row ${item.event_id} has its object`);
      }

      const all = listed.data.list.map((i: { event_id: string }) => i.event_id).sort();
      for (const [i, s] of streams.entries()) {
        await until(() => s.ids.length >= all.length, 10_000, `stream ${i} caught up (${s.ids.length}/${all.length})`);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal([...s.ids].sort(), all, `stream ${i}: every fall, none twice`);
      }
      assert.ok(streams.some((s) => s.opens >= 2), 'the dead instance\'s stream reconnected to the survivor');
    } finally {
      for (const s of streams) s.es.close();
      await proxy.close();
      for (const c of children) await c.kill('SIGKILL');
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
      await s3.remove();
    }
  });

  test.run();
}

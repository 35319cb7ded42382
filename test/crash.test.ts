import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { md5Hex } from '../src/services/shared/random.js';
import { engineEnv, newPhone, passes, tempDir } from './helpers.js';
import { openStored } from './support/sql.js';
import { startChild, type Child } from './support/child.js';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20);

async function post(url: string, type: string, subtype: string, data: unknown): Promise<{ status: number; data: any }> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify({ id: 1, type, subtype, data }) });
  return res.json() as Promise<{ status: number; data: any }>;
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const crashSafety = suite('crash safety: SIGKILL during notice ingest');

crashSafety(`${ROUNDS} kills at random moments lose no acknowledged notice and leave nothing half-stored`, async () => {
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'info', PASSWORD_SCRYPT_LOG2N: '10', NOTICES_PER_DEVICE_PER_MINUTE: '1000000', ...await engineEnv(dataDir) };
  const images = await Promise.all(Array.from({ length: 400 }, async () => {
    const pixels = crypto.randomBytes(48 * 48 * 3);
    return sharp(pixels, { raw: { width: 48, height: 48, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
  }));
  const acked = new Map<string, Buffer>();

  // Register through the real flow, then log in with an enduring token for the whole test.
  let child: Child = await startChild(env);
  const phone2 = newPhone();
  const gen = await post(`${child.url}/captcha`, 'sms', 'generate', { phone: phone2 });
  const msg = JSON.parse(fs.readFileSync(path.join(dataDir, 'sms-outbox.jsonl'), 'utf8').trim().split('\n').at(-1)!);
  passes(await post(`${child.url}/user/register`, 'register', 'phone', { phone: phone2, hash: md5Hex(msg.code + gen.data.rand), pass: 'secret123' }));
  const token = (await post(`${child.url}/user/login`, 'login', 'pass', { phone: phone2, pass: 'secret123', enduring: 1 })).data.token as string;
  const deviceId = (await post(`${child.url}/device?token=${token}`, 'device', 'add', { device: 'crash-cam' })).data.device_id as string;
  passes(await post(`${child.url}/device?token=${token}`, 'device', 'bind', { device_id: deviceId }));

  let next = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const image = images[next++ % images.length]!;
        try {
          const res = await post(`${child.url}/notice?token=${deviceId}`, 'notice', 'upload', { base64: image.toString('base64'), content: `r${round}` });
          if (res.status === 0) acked.set(res.data.pic_name, image);
          else throw new Error(`upload refused: ${JSON.stringify(res)}`);
        } catch (err) {
          if (!stop) throw err;
        }
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    await new Promise((r) => setTimeout(r, 30 + crypto.randomInt(250)));
    stop = true;
    await child.kill('SIGKILL');
    await Promise.allSettled(writers);

    const check = await openStored(env);
    assert.ok(await check.intact(), `round ${round}: the database is intact`);
    await check.close();

    child = await startChild(env);
    const listed = await post(`${child.url}/get/notice?token=${token}`, 'notice', 'get', { mode: 2 });
    const names = new Set((listed.data.list as { pic_name: string }[]).map((n) => n.pic_name));
    for (const [picName, bytes] of acked) {
      assert.ok(names.has(picName), `round ${round}: acknowledged ${picName} is listed`);
      const stored = fs.readFileSync(path.join(dataDir, 'notices', picName.slice(0, 2), picName));
      assert.ok(stored.equals(bytes), `round ${round}: ${picName} is byte-identical`);
    }
    const onDisk = listFiles(path.join(dataDir, 'notices'));
    assert.equal(onDisk.filter((f) => f.includes(`${path.sep}.tmp${path.sep}`)), [], `round ${round}: no staged leftovers`);
    const files = new Set(onDisk.map((f) => path.basename(f)));
    const after = await openStored(env);
    const rows = (await after.sql.all<{ pic_name: string }>('select distinct pic_name from notices')).map((r) => r.pic_name);
    await after.close();
    assert.equal(rows.filter((r) => !files.has(r)), [], `round ${round}: every row has its file`);
    assert.equal([...files].filter((f) => !rows.includes(f)), [], `round ${round}: every file has its row`);
  }
  await child.kill('SIGTERM');
  assert.ok(acked.size > ROUNDS, `uploads were acknowledged (${acked.size})`);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

crashSafety.run();

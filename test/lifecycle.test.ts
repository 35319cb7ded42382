import http from 'node:http';
import fs from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { engineEnv, jpeg, newPhone, tempDir } from './helpers.js';
import { clientOf, startChild } from './support/child.js';

const test = suite('health checks for a load balancer, and stopping on SIGTERM');

/** A raw GET that collects the whole body (an alert stream until the server ends it). */
function collect(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject);
  });
}

test('live and ready while serving; on SIGTERM ready says 503 at once, a request in flight finishes, streams end with a retry hint', async () => {
  const dataDir = tempDir();
  const child = await startChild({
    ...(await engineEnv(dataDir)), DATA_DIR: dataDir, LOG_LEVEL: 'info', PASSWORD_SCRYPT_LOG2N: '10', SHUTDOWN_GRACE_SECONDS: '2', SSE_RETRY_MS: '1500',
    SMS_PHONE_INTERVAL_SECONDS: '0',
  });
  try {
    const live = await fetch(`${child.url}/health/live`);
    assert.is(live.status, 200);
    assert.equal(await live.json(), { live: true });
    const ready = await fetch(`${child.url}/api/health/ready`);
    assert.is(ready.status, 200);
    assert.equal(await ready.json(), { ready: true });

    // an account with a camera, to hold a stream and to upload while the server stops
    const api = clientOf(child, dataDir);
    const token = await api.signUp(newPhone());
    const camera = await api.camera(token);

    const stream = collect(`${child.url}/api/notice/stream?token=${token}`);
    await new Promise((r) => setTimeout(r, 300));
    // an upload whose body is half sent when SIGTERM arrives
    const body = JSON.stringify({ id: 1, type: 'notice', subtype: 'upload', data: { base64: (await jpeg(200)).toString('base64') } });
    const upload = new Promise<{ status: number; json: any }>((resolve, reject) => {
      const req = http.request(`${child.url}/api/notice?token=${camera}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.write(body.slice(0, body.length / 2));
      setTimeout(() => req.end(body.slice(body.length / 2)), 800);
    });
    await new Promise((r) => setTimeout(r, 100));
    const exited = new Promise<number | null>((resolve) => child.proc.once('exit', (code) => resolve(code)));
    child.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));

    const draining = await fetch(`${child.url}/health/ready`);
    assert.is(draining.status, 503, 'not ready from the moment SIGTERM arrived');
    assert.equal(await draining.json(), { ready: false, reason: 'stopping' });
    assert.is((await fetch(`${child.url}/health/live`)).status, 200, 'still alive while draining');

    const streamed = await stream;
    assert.is(streamed.status, 200);
    assert.match(streamed.body, /retry: 1500\n\n$/, 'the stream ends with a retry hint');
    assert.is(streamed.body.split('retry: 1500').length - 1, 2, 'one hint when it opened, one as it closed');

    const uploaded = await upload;
    assert.is(uploaded.json.status, 0, 'the upload in flight finished');
    assert.is(await exited, 0, 'a clean exit');
  } finally {
    await child.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test.run();

/**
 * The baselines the benchmarks compare against, in the same process setup as
 * the real server (node + tsx + express, pinned to the same core):
 *  - POST /api/get/notice answers a fixed JSON text (S1);
 *  - POST /api/notice reads the envelope, decodes the base64 and writes the
 *    file with fsync, nothing else (S2).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';

const port = Number(process.env.PORT);
const dir = process.env.BASELINE_DIR!;
const fixed = process.env.BASELINE_JSON ?? '{"id":1,"status":0,"message":"successful","data":{}}';
fs.mkdirSync(dir, { recursive: true });

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/ping', (_req, res) => res.json({ pong: true }));
app.post('/api/get/notice', (req, res) => {
  req.resume();
  req.on('end', () => {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(fixed);
  });
});
app.post('/api/notice', express.text({ type: () => true, limit: '16mb' }), (req, res) => {
  const { data } = JSON.parse(req.body as string) as { data: { base64: string } };
  const bytes = Buffer.from(data.base64.replace(/^data:image\/[a-z]+;base64,/, ''), 'base64');
  const file = path.join(dir, crypto.randomBytes(16).toString('hex'));
  fs.promises.open(file, 'w').then(async (h) => {
    await h.writeFile(bytes);
    await h.sync();
    await h.close();
    res.json({ id: 1, status: 0, message: 'Successful', data: {} });
  }).catch((err) => res.status(500).end(String(err)));
});
app.listen(port, '127.0.0.1', () => process.stdout.write(`baseline listening on ${port}\n`));

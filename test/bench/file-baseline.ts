/**
 * S10's baseline: a bare node:http handler serving files of BASELINE_DIR from memory (read once at
 * start), with Content-Type and an ETag: what serving a photo costs when it is only bytes.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const dir = process.env.BASELINE_DIR!;
const files = new Map<string, Buffer>();
fs.mkdirSync(dir, { recursive: true });
const load = () => {
  for (const name of fs.readdirSync(dir)) files.set(`/photo/${name}`, fs.readFileSync(path.join(dir, name)));
};
http.createServer((req, res) => {
  if (req.url === '/ping') return void res.end('{"pong":true}');
  if (req.url === '/reload') {
    load();
    return void res.end(String(files.size));
  }
  const bytes = files.get(req.url ?? '');
  if (!bytes) return void res.writeHead(404).end();
  res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': bytes.length, ETag: `"${req.url}"` });
  res.end(bytes);
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('file baseline listening\n'));

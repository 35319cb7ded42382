/**
 * S7's baseline: the least a page can do to paint a fall it is told of. Plain node:http pinned to the
 * same core as the real server: GET / is a page that opens an EventSource and, for each event, puts
 * the camera's photo (the same JPEG, from memory) and a heading in a dialog; POST /fall answers at once
 * and sends the event to every open stream. No tokens, no database, no decoding, no framework.
 */
import crypto from 'node:crypto';
import http from 'node:http';

const port = Number(process.env.PORT);
const streams = new Set<http.ServerResponse>();
let photo = Buffer.alloc(0);

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head><body>
<script>
const source = new EventSource('/stream');
source.onmessage = (e) => {
  const fall = JSON.parse(e.data);
  document.querySelector('[role=alertdialog]')?.remove();
  const box = document.createElement('div');
  box.setAttribute('role', 'alertdialog');
  box.dataset.eventId = fall.event_id;
  box.innerHTML = '<h2></h2><img width="320" height="180">';
  box.querySelector('h2').textContent = 'Fall detected: ' + fall.device;
  box.querySelector('img').src = '/photo/' + fall.event_id;
  document.body.append(box);
};
source.onopen = () => document.title = 'open';
</script></body></html>`;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/ping') return void res.end('{"pong":true}');
  if (req.method === 'GET' && req.url === '/') return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE);
  if (req.method === 'GET' && req.url?.startsWith('/photo/')) return void res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(photo);
  if (req.method === 'GET' && req.url === '/stream') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.write('retry: 3000\n\n');
    streams.add(res);
    res.once('close', () => streams.delete(res));
    return;
  }
  if (req.method === 'POST' && req.url === '/fall') {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      photo = Buffer.concat(parts);
      const eventId = crypto.randomBytes(16).toString('hex');
      res.end(JSON.stringify({ event_id: eventId }));
      const block = `data: ${JSON.stringify({ event_id: eventId, device: 'bench-cam' })}\n\n`;
      for (const s of streams) s.write(block);
    });
    return;
  }
  res.statusCode = 404;
  res.end();
});
server.listen(port, '127.0.0.1');

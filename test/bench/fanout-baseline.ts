/**
 * S6's baseline: the least a Node process can do to put one event on 10,000 open streams. Plain
 * node:http pinned to the same core as the real server, with nothing behind it (no tokens, no
 * database, no photo, no SMS):
 *  - GET /stream opens a Server-Sent Events stream (chunked, as the server's);
 *  - POST /fall (body: the SSE block to send) answers `{event_id}` at once, then writes the block, its
 *    event id replaced by a fresh one, to every open stream as one pre-framed chunk, on the next
 *    turn of the event loop (as the server's hub does).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';

const port = Number(process.env.PORT);
const streams = new Set<net.Socket>();

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/ping') return void res.end('{"pong":true}');
  if (req.method === 'GET' && req.url === '/stream') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.write('retry: 3000\n\n');
    const socket = req.socket;
    socket.setNoDelay(true);
    streams.add(socket);
    socket.once('close', () => streams.delete(socket));
    return;
  }
  if (req.method === 'POST' && req.url === '/fall') {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const eventId = crypto.randomBytes(16).toString('hex');
      const block = Buffer.from(Buffer.concat(parts).toString('utf8').replace(/"event_id":"[0-9a-f]{32}"/, `"event_id":"${eventId}"`));
      const chunk = Buffer.concat([Buffer.from(`${block.length.toString(16)}\r\n`), block, Buffer.from('\r\n')]);
      res.end(JSON.stringify({ event_id: eventId }));
      setImmediate(() => {
        for (const socket of streams) if (!socket.destroyed) socket.write(chunk);
      });
    });
    return;
  }
  res.statusCode = 404;
  res.end();
});
server.listen(port, '127.0.0.1');

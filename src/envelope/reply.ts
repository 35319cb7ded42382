import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import type { Reply } from './types.js';

/** `data` that is already JSON text (a cached reply): written as is. */
export class RawJson {
  constructor(readonly json: string) {}
}

/** `{id, status, message, data}` as JSON text, in that key order. */
function envelopeText(id: number, reply: Reply): string {
  return reply.data instanceof RawJson
    ? `{"id":${id},"status":${reply.status},"message":${JSON.stringify(reply.message)},"data":${reply.data.json}}`
    : JSON.stringify({ id, status: reply.status, message: reply.message, data: reply.data });
}

/** Writes the envelope; HTTP 200 unless a transport problem says otherwise. */
export function sendEnvelope(res: Response, id: number, reply: Reply, http = 200): void {
  const body = envelopeText(id, reply);
  res.statusCode = http;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

/** How long a refused sender may keep its connection before the server reads (and drops) the rest. */
export const REFUSED_BODY_GRACE_MS = 1000;

/**
 * 413 for a body that will not be kept, without reading it. The reply is
 * whole on the wire (Content-Length, Connection: close) but not ended: an
 * ended response makes Node drain the unread body to reuse the connection,
 * one fresh 64 KB buffer per chunk, and a burst of 100 refused 20 MB
 * bodies left 35 MB of that garbage resident. Reading stops instead; a
 * client that reads while it sends has its 413 at once and hangs up. After
 * REFUSED_BODY_GRACE_MS the rest is drained, so a client that reads only
 * once it has sent everything (Python's http.client) still gets its 413;
 * REQUEST_TIMEOUT_SECONDS bounds that as any other request.
 */
export function refuseBody(req: IncomingMessage, res: Response, id: number, reply: Reply): void {
  const body = envelopeText(id, reply);
  res.shouldKeepAlive = false;
  res.writeHead(413, {
    'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body), Connection: 'close',
  });
  res.write(body);
  req.pause();
  const timer = setTimeout(() => {
    req.once('end', () => res.end());
    req.resume();
  }, REFUSED_BODY_GRACE_MS);
  req.socket.once('close', () => clearTimeout(timer));
}

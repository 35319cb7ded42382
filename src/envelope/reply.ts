import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';
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

/** Adds `field` to the Vary header, keeping what another layer (CORS, the portrait's Referer check) put there. */
export function appendVary(res: ServerResponse, field: string): void {
  const current = res.getHeader('Vary');
  const fields = (Array.isArray(current) ? current.join(',') : String(current ?? '')).split(',').map((f) => f.trim()).filter(Boolean);
  if (fields.some((f) => f === '*' || f.toLowerCase() === field.toLowerCase())) return;
  res.setHeader('Vary', [...fields, field].join(', '));
}

/** Writes the envelope; HTTP 200 unless a transport problem says otherwise. */
export function sendEnvelope(res: ServerResponse, id: number, reply: Reply, http = 200): void {
  const body = envelopeText(id, reply);
  res.statusCode = http;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

/** How long a refused sender may keep its connection before the server reads (and drops) the rest. */
export const REFUSED_BODY_GRACE_MS = 1000;

/**
 * Has Node's HTTP parser drop the rest of req's body instead of handing it
 * to JS: Node copies every body chunk into a fresh malloc'd Buffer that only
 * the next GC frees, which piles up tens of MB when refused bodies are
 * drained (docs/PERFORMANCE.md, S4). The parser looks its body callback up
 * for every chunk and skips the chunk when that is not a function
 * (node_http_parser.cc, on_body); the callback
 * goes back when the message ends or the socket closes, before the parser,
 * which Node pools, can serve another connection. False when the parser is
 * not reachable so (another Node major) or the body is already complete:
 * the caller then reads the rest the ordinary way.
 */
export function dropBody(req: IncomingMessage): boolean {
  type Parser = Record<number, unknown> & { constructor: { kOnBody?: unknown } };
  const parser = (req.socket as { parser?: Parser | null }).parser;
  const kOnBody = parser?.constructor.kOnBody;
  if (!parser || req.complete || typeof kOnBody !== 'number' || typeof parser[kOnBody] !== 'function') return false;
  const onBody = parser[kOnBody];
  parser[kOnBody] = undefined;
  const restore = () => {
    parser[kOnBody] = onBody;
  };
  req.once('end', restore);
  req.socket.once('close', restore);
  return true;
}

/**
 * 413 for a body that will not be kept, without reading it. The reply is
 * whole on the wire (Content-Length, Connection: close) but not ended: an
 * ended response makes Node drain the unread body to reuse the connection.
 * Reading stops instead; a client that reads while it sends has its 413 at
 * once and hangs up. After REFUSED_BODY_GRACE_MS the rest is read and
 * dropped (by the parser, see dropBody), so a client that reads only once it
 * has sent everything (Python's http.client) still gets its 413 rather than
 * a reset; REQUEST_TIMEOUT_SECONDS bounds that as any other request. (A
 * client that hung up early may still have megabytes queued in its kernel,
 * which is delivered then too: TCP gives no sign that nobody will read the
 * reply.)
 */
export function refuseBody(req: IncomingMessage, res: ServerResponse, id: number, reply: Reply, http = 413): void {
  const body = envelopeText(id, reply);
  res.shouldKeepAlive = false;
  res.writeHead(http, {
    'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body), Connection: 'close',
  });
  res.write(body);
  req.pause();
  // Dropped chunks no longer fill req's buffer, which is what stops the socket's reads: stop them here.
  const dropping = dropBody(req);
  if (dropping) req.socket.pause();
  const timer = setTimeout(() => {
    if (req.readableEnded) return void res.end();
    req.once('end', () => res.end());
    if (dropping) req.socket.resume();
    req.resume();
  }, REFUSED_BODY_GRACE_MS);
  req.socket.once('close', () => clearTimeout(timer));
}

/** Whether some of req's body has not been read yet. */
export function bodyPending(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Bodies up to this size are read (and dropped) before an early reply, which then keeps the connection. */
const SMALL_BODY = 64 * 1024;

/**
 * A reply decided before the body was read (a bad token, a refused grant).
 * Closing the connection while the client still sends makes its kernel reset
 * the connection, and a client that reads only once it has sent everything
 * gets that reset instead of the reply. A small body is read first; a large
 * one gets refuseBody's treatment: the reply whole on the wire at once, the
 * rest of the body dropped after a grace.
 */
export async function replyBeforeBody(req: IncomingMessage, res: ServerResponse, id: number, reply: Reply, http = 200): Promise<void> {
  if (!bodyPending(req)) return sendEnvelope(res, id, reply, http);
  const declared = Number(req.headers['content-length']);
  if (declared <= SMALL_BODY) {
    const reading = readBody(req, SMALL_BODY);
    req.resume(); // a stream unpiped from a parser (busboy) is left paused
    const read = await reading;
    if (!read.ok && read.reason === 'aborted') return;
    if (read.ok) return sendEnvelope(res, id, reply, http);
  }
  refuseBody(req, res, id, reply, http);
}

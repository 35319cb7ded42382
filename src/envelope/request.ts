import type { IncomingMessage } from 'node:http';
import querystring from 'node:querystring';
import proxyaddr from 'proxy-addr';
import type { Trust } from '../trust.js';

/**
 * What the envelope pipeline reads off a request, taken from Node's own
 * request rather than express's: swapping a live request's prototypes, as
 * express does, makes V8 promote every request's objects to the old
 * generation (measurements in docs/PERFORMANCE.md). The values below are those
 * express gives (its default "simple" query parser is node:querystring, its
 * req.ip is proxy-addr's), so a request is read alike on either path.
 */

export { compileTrust, type Trust } from '../trust.js';

/** The client's address: the peer's, or the nearest untrusted one in X-Forwarded-For. */
export function clientIp(req: IncomingMessage, trust: Trust): string {
  return proxyaddr(req, trust);
}

/** http or https, from X-Forwarded-Proto when the peer is a trusted proxy. */
export function protocolOf(req: IncomingMessage, trust: Trust): string {
  const own = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  if (!trust(req.socket.remoteAddress ?? '', 0)) return own;
  const header = req.headers['x-forwarded-proto'];
  const first = (typeof header === 'string' && header ? header : own).split(',')[0]!.trim();
  return first || own;
}

/** The request target's path, without query or fragment. */
export function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const end = target.search(/[?#]/);
  return end < 0 ? target : target.slice(0, end);
}

/**
 * The `token` query parameter: null when absent or empty, undefined when
 * given but not one string (repeated), as express's req.query reads it.
 */
export function tokenOf(url: string | undefined): string | null | undefined {
  const target = url ?? '';
  const start = target.indexOf('?');
  if (start < 0) return null;
  const hash = target.indexOf('#', start);
  const raw = querystring.parse(target.slice(start + 1, hash < 0 ? undefined : hash)).token;
  if (raw === undefined || raw === '') return null;
  return typeof raw === 'string' ? raw : undefined;
}

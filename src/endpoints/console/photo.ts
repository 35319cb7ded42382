import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { consoleToken } from '../../envelope/console.js';
import { authenticateUser, type Deps } from '../../envelope/dispatch.js';
import { appendVary } from '../../envelope/reply.js';
import { PHOTO_TYPES, type PhotoVariant } from '../../services/media/index.js';

/**
 * The list picture in a format the browser says it takes (a q=0 is a refusal): WebP first, which
 * encodes in 10-90 ms here against AVIF's 50-330 ms (a photo's first request must be quick), AVIF for
 * a browser that takes it but not WebP, else JPEG.
 */
export function listVariant(accept: string | undefined): PhotoVariant {
  const takes = (type: string) => (accept ?? '').split(',').some((part) => {
    const [name, ...params] = part.trim().split(';').map((x) => x.trim());
    return name === type && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
  return takes('image/webp') ? 'list.webp' : takes('image/avif') ? 'list.avif' : 'list.jpeg';
}

/** Does If-None-Match name this ETag (or `*`)? Weak comparison, as RFC 9110 asks for it. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/** One `bytes=` range of `size` bytes: [start, end], 'unsatisfiable', or null for the whole file (none, several, or not ours). */
function rangeOf(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | null {
  const m = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start > end || start >= size ? 'unsatisfiable' : [start, end];
}

/** Writes bytes as a file server does: Range (one), If-Range, HEAD. The caller set ETag and the cache headers. */
function sendBytes(req: IncomingMessage, res: ServerResponse, bytes: Buffer, etag: string): void {
  res.setHeader('Accept-Ranges', 'bytes');
  const ifRange = req.headers['if-range'];
  const range = ifRange !== undefined && ifRange !== etag ? null : rangeOf(req.headers.range, bytes.length);
  if (range === 'unsatisfiable') {
    res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` }).end();
    return;
  }
  const [start, end] = range ?? [0, bytes.length - 1];
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${bytes.length}`);
  res.writeHead(range ? 206 : 200, { 'Content-Length': end - start + 1 });
  res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
}

/**
 * GET /app/photo/<event_id>[?size=list]: a fall's photo for the console, for an account bound to its
 * camera: never the camera's bytes, but its variant made once (services/media/photos.ts), the full one
 * at most 1280 px, the list's at most 480 px in AVIF, WebP or JPEG by `Accept`. The account is the
 * session cookie's, or (for a push notification's picture, which a browser fetches without the page's
 * session) the one a fall's signed notification ticket names: `?user=&exp=&sig=`, good for that photo
 * alone. Private and immutable: a photo never changes under its event id. 401 without an account,
 * 404 for another family's photo, 410 once retention removed it, 422 for one that does not decode.
 */
export function consolePhotoRoute(deps: Deps): RequestHandler {
  const { services, log } = deps;
  const viewer = async (req: Request, eventId: string): Promise<number | null> => {
    const token = consoleToken(req, false);
    if (token) return (await authenticateUser(services, token))?.id ?? null;
    const { user, exp, sig } = req.query;
    if (typeof sig !== 'string') return null;
    return services.push.checkAck({ event_id: eventId, user: Number(user), exp: Number(exp), sig });
  };
  return (req, res) => {
    const eventId = String(req.params.event_id ?? '');
    const size = req.query.size ?? 'full';
    if (eventId.length > 64 || (size !== 'full' && size !== 'list')) return void res.status(404).end();
    (async () => {
      const userId = await viewer(req, eventId);
      if (userId === null) return void res.status(401).end();
      const notice = await services.notices.visible(services.read, userId, eventId);
      if (!notice) return void res.status(404).end();
      // removed by the retention sweep: gone for good
      if (notice.photoRemovedAt !== null) return void res.status(410).end();
      const variant: PhotoVariant = size === 'list' ? listVariant(req.headers.accept) : 'full';
      // the list picture's format follows Accept: caches must keep one per value
      if (size === 'list') appendVary(res, 'Accept');
      const etag = `"${notice.picName}-${variant}"`;
      res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
      res.setHeader('ETag', etag);
      if (matches(req.headers['if-none-match'], etag)) return void res.status(304).end();
      const photo = await services.photos.get(notice.picName, variant);
      if (!photo) {
        log.warn('photo does not decode', { event_id: eventId });
        res.removeHeader('Cache-Control');
        return void res.status(422).end();
      }
      res.setHeader('Content-Type', PHOTO_TYPES[variant]);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      sendBytes(req, res, photo, etag);
    })().catch((err) => {
      log.error('photo not served', { event_id: eventId, err });
      if (!res.headersSent) res.status(500).end();
    });
  };
}

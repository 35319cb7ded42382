import type { Request, RequestHandler, Response } from 'express';
import type { Deps } from '../../envelope/dispatch.js';
import { appendVary } from '../../envelope/reply.js';
import type { Served } from '../../services/media/index.js';

/** A Referer from a host outside the allow-list (or not this server's own host) gets the "ban" image; no Referer is fine. */
function banned(req: Request, allow: Set<string>): boolean {
  const referer = req.headers.referer;
  if (!referer) return false;
  let host: string;
  try {
    host = new URL(referer).hostname.toLowerCase();
  } catch {
    return true;
  }
  const own = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return host !== own && !allow.has(host);
}

function serve(req: Request, res: Response, image: Served, cache: string): void {
  const etag = `"${image.etag}"`;
  res.setHeader('Content-Type', image.contentType);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', cache);
  appendVary(res, 'Referer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const match = req.headers['if-none-match'];
  if (match && match.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(etag)) {
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Length', image.bytes.length);
  res.status(200).end(req.method === 'HEAD' ? undefined : image.bytes);
}

/** The "error" image, as for an id that is not a number: for a path that does not even decode. */
export function portraitErrorImage({ services }: Deps): RequestHandler {
  return (req, res) => serve(req, res, services.placeholders.error, 'public, max-age=86400');
}

/** GET /get/portrait/<user_id>: for `<img src>`, so it always answers with an image. */
export function portraitRoute({ config, services, log }: Deps): RequestHandler {
  const allow = new Set(config.portraitRefererAllow.map((h) => h.toLowerCase()));
  const { ban, default: fallback, error } = services.placeholders;
  return async (req, res) => {
    const id = String(req.params.id ?? '');
    if (banned(req, allow)) return serve(req, res, ban, 'no-cache');
    if (!/^\d{1,20}$/.test(id)) return serve(req, res, error, 'public, max-age=86400');
    try {
      const user = await services.users.byPhone(services.read, id);
      if (!user) return serve(req, res, fallback, 'no-cache');
      const portrait = await services.portraits.get(user.id);
      return serve(req, res, portrait ?? fallback, 'no-cache');
    } catch (err) {
      log.error('portrait not served', { phone: id, err });
      return serve(req, res, fallback, 'no-cache');
    }
  };
}

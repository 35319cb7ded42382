import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ENDPOINTS, RAW_ROUTES } from './endpoints/index.js';
import { dispatcher, getter, type Deps } from './envelope/dispatch.js';
import { sendEnvelope } from './envelope/reply.js';
import { GLOBAL } from './status.js';

const envelope = (entry: readonly [number, string], data: unknown = {}) => ({ status: entry[0], message: entry[1], data });

function cors(origins: string[]) {
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Last-Event-ID');
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

/** Builds the HTTP app from the endpoint list: every URL at /<path> and /api/<path>. */
export function createApp(deps: Deps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.config.trustProxy);
  if (deps.config.corsOrigins.length) app.use(cors(deps.config.corsOrigins));

  const ping = (_req: Request, res: Response) => sendEnvelope(res, -1, envelope(GLOBAL.OK, { pong: true }));
  app.get(['/ping', '/api/ping'], ping);

  for (const endpoint of ENDPOINTS) {
    const paths = [endpoint.path, `/api${endpoint.path}`];
    const allow: string[] = [];
    if (endpoint.handlers.length) {
      app.post(paths, dispatcher(endpoint, deps));
      allow.push('POST');
    }
    if (endpoint.get) {
      app.get(paths, getter(endpoint, deps));
      allow.push('GET', 'HEAD');
    }
    app.all(paths, (_req, res) => {
      res.setHeader('Allow', allow.join(', '));
      sendEnvelope(res, -1, envelope(GLOBAL.JSON_VALUE), 405);
    });
  }

  for (const route of RAW_ROUTES) app[route.method]([route.path, `/api${route.path}`], route.make(deps));
  const dist = express.static(path.join(deps.config.dataDir, 'dist'), {
    index: false, dotfiles: 'ignore', etag: true, lastModified: true, acceptRanges: true, fallthrough: true,
    setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=86400, immutable'),
  });
  app.use(['/dist', '/api/dist'], dist);

  app.use((_req: Request, res: Response) => sendEnvelope(res, -1, envelope(GLOBAL.UNKNOWN), 404));
  app.use((err: Error & { status?: number }, req: Request, res: Response, _next: NextFunction) => {
    deps.log.error('request failed outside a handler', { path: req.path, err });
    if (res.headersSent) return;
    const http = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    sendEnvelope(res, -1, envelope(http < 500 ? GLOBAL.JSON_KEY : GLOBAL.UNKNOWN), http === 500 ? 200 : http);
  });
  return app;
}

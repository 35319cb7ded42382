import crypto from 'node:crypto';
import path from 'node:path';
import type http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import express, { type NextFunction, type Request, type Response } from 'express';
import proxyaddr from 'proxy-addr';
import { ENDPOINTS, RAW_ROUTES } from './endpoints/index.js';
import { portraitErrorImage } from './endpoints/get-portrait/route.js';
import { dispatcher, getter, type Deps, type Handler } from './envelope/dispatch.js';
import { replyFor } from './envelope/define.js';
import { appendVary, sendEnvelope } from './envelope/reply.js';
import { compileTrust, pathOf } from './envelope/request.js';

const reply = replyFor({}, 'successful');

/** How long /health/ready waits for the database before answering 503. */
const READY_TIMEOUT_MS = 2000;

function timeLimit<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(what)), ms);
    }),
  ]);
}

function cors(origins: string[]) {
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    // every reply depends on Origin once CORS is on (a listed one gets the header, others do not): shared caches must key on it
    appendVary(res, 'Origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
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

/**
 * Builds the HTTP request listener from the endpoint list: every URL at
 * /<path> and /api/<path>. A POST to an envelope URL (the hot path) goes
 * straight to its dispatcher as Node's own request and response, skipping
 * express's router walk and its prototype swap (the hot path's largest
 * costs, docs/PERFORMANCE.md); all else,
 * CORS requests included, goes through express.
 */
export function createApp(deps: Deps): http.RequestListener {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // one compiled trust for both paths: express's (GETs, uploads) and the envelope dispatchers'
  const trust = compileTrust(deps.config.trustProxy);
  app.set('trust proxy', trust);
  if (deps.config.corsOrigins.length) app.use(cors(deps.config.corsOrigins));

  // The histogram records the time between its timer's ticks, so every value
  // includes the 10 ms period itself (nodejs/node#34661; APM agents subtract
  // it too): what is reported is the lateness beyond it.
  const RESOLUTION_MS = 10;
  const loopDelay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loopDelay.enable();
  const ms = (ns: number) => Math.max(0, +(ns / 1e6 - RESOLUTION_MS).toFixed(2));
  /** /ping?stats=1 adds memory and event-loop delay (for benchmarks and health checks); &reset=1 restarts the histogram. */
  const ping = (req: Request, res: Response) => {
    if (req.query.stats === undefined) return sendEnvelope(res, -1, reply.ok({ pong: true }));
    const mem = process.memoryUsage();
    const stats = {
      pong: true, rss: mem.rss, heap_used: mem.heapUsed, heap_total: mem.heapTotal, external: mem.external, array_buffers: mem.arrayBuffers, uptime: +process.uptime().toFixed(1),
      event_loop_delay_ms: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
    };
    if (req.query.reset !== undefined) loopDelay.reset();
    sendEnvelope(res, -1, reply.ok(stats));
  };
  app.get(['/ping', '/api/ping'], ping);

  // For load balancers: live while the process runs; ready while it is not stopping and its database
  // (and bucket, when there is one) answers within READY_TIMEOUT_MS.
  app.get(['/health/live', '/api/health/live'], (_req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store').json({ live: true });
  });
  app.get(['/health/ready', '/api/health/ready'], async (_req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const { services, log } = deps;
    if (services.lifecycle.draining) return res.status(503).json({ ready: false, reason: 'stopping' });
    try {
      await timeLimit(services.db.ping(), READY_TIMEOUT_MS, 'the database did not answer');
    } catch (err) {
      log.warn('not ready: the database does not answer', { err: (err as Error).message });
      return res.status(503).json({ ready: false, reason: 'database' });
    }
    if (services.files.shared) {
      try {
        await timeLimit(services.files.notices.ping(), READY_TIMEOUT_MS, 'the bucket did not answer');
      } catch (err) {
        log.warn('not ready: the bucket does not answer', { err: (err as Error).message });
        return res.status(503).json({ ready: false, reason: 'bucket' });
      }
    }
    res.json({ ready: true });
  });

  // Not public: the TCP peer must be in METRICS_ALLOW, or the request must bear METRICS_TOKEN; anyone else
  // gets the unknown-path answer, so the endpoint is not even seen to exist.
  const metricsPeer = proxyaddr.compile(deps.config.metricsAllow);
  const metricsToken = deps.config.metricsToken ? Buffer.from(`Bearer ${deps.config.metricsToken}`) : null;
  const mayScrape = (req: Request) => {
    if (metricsPeer(req.socket.remoteAddress ?? '', 0)) return true;
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    return metricsToken !== null && given.length === metricsToken.length && crypto.timingSafeEqual(given, metricsToken);
  };
  app.get('/metrics', (req: Request, res: Response) => {
    if (!mayScrape(req)) return sendEnvelope(res, -1, reply.fail('UNKNOWN'), 404);
    const { metrics } = deps.services;
    metrics.text().then((text) => {
      res.setHeader('Content-Type', metrics.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.end(text);
    }, (err) => {
      deps.log.error('metrics not collected', { err });
      sendEnvelope(res, -1, reply.fail('UNKNOWN'), 500);
    });
  });

  // The envelope URLs are found by one map lookup rather than by walking a route list (they are the hot path),
  // matched as express would: case-insensitively, with or without a trailing slash.
  const envelopeRoutes = new Map<string, { post?: Handler; get?: Handler; allow: string }>();
  for (const endpoint of ENDPOINTS) {
    const entry = {
      post: endpoint.handlers.length ? dispatcher(endpoint, deps, trust) : undefined,
      get: endpoint.get ? getter(endpoint, deps, trust) : undefined,
      allow: [endpoint.handlers.length ? 'POST' : '', endpoint.get ? 'GET, HEAD' : ''].filter(Boolean).join(', '),
    };
    for (const p of [endpoint.path, `/api${endpoint.path}`]) envelopeRoutes.set(p.toLowerCase(), entry);
  }
  const lookup = (pathname: string) => envelopeRoutes.get((pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname).toLowerCase());
  app.use((req: Request, res: Response, next: NextFunction) => {
    const entry = lookup(req.path);
    if (!entry) return next();
    const handle = req.method === 'POST' ? entry.post : req.method === 'GET' || req.method === 'HEAD' ? entry.get : undefined;
    if (handle) return void handle(req, res);
    res.setHeader('Allow', entry.allow);
    sendEnvelope(res, -1, reply.fail('JSON_VALUE'), 405);
  });

  // A path that does not percent-decode is the client's mistake: answered (a portrait URL with the "error"
  // image, as for a bad id; anything else as an unknown path), logged at debug, before routing would throw.
  const portraitError = portraitErrorImage(deps);
  app.use((req: Request, res: Response, next: NextFunction) => {
    try {
      decodeURIComponent(req.path);
      return next();
    } catch {
      deps.log.debug('undecodable path', { path: req.path.slice(0, 200) });
    }
    if (/^(\/api)?\/get\/portrait\//i.test(req.path) && (req.method === 'GET' || req.method === 'HEAD')) return void portraitError(req, res, next);
    sendEnvelope(res, -1, reply.fail('UNKNOWN'), 404);
  });
  for (const route of RAW_ROUTES) app[route.method]([route.path, `/api${route.path}`], route.make(deps));
  // upgrade packages, from DATA_DIR/dist or the bucket: Range, ETag and Last-Modified either way
  const dist = async (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.file);
    if (!/^[\w-][\w.-]*$/.test(name)) return next();
    try {
      if (!(await deps.services.files.dist.send(req, res, name, { 'Cache-Control': 'public, max-age=86400, immutable' }))) next();
    } catch (err) {
      deps.log.error('package not served', { file: name, err });
      if (!res.headersSent) sendEnvelope(res, -1, reply.fail('UNKNOWN'), 500);
    }
  };
  app.get(['/dist/:file', '/api/dist/:file'], dist);

  app.use((_req: Request, res: Response) => sendEnvelope(res, -1, reply.fail('UNKNOWN'), 404));
  app.use((err: Error & { status?: number }, req: Request, res: Response, _next: NextFunction) => {
    deps.log.error('request failed outside a handler', { path: req.path, err });
    if (res.headersSent) return;
    const http = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    sendEnvelope(res, -1, reply.fail(http < 500 ? 'JSON_KEY' : 'UNKNOWN'), http === 500 ? 200 : http);
  });

  const withCors = deps.config.corsOrigins.length > 0;
  return (req, res) => {
    const entry = req.method === 'POST' && req.url?.charCodeAt(0) === 47 /* / */ && !(withCors && req.headers.origin)
      ? lookup(pathOf(req.url))
      : undefined;
    if (!entry?.post) return app(req, res);
    void entry.post(req, res);
  };
}

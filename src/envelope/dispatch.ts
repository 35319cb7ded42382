import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ValidateFunction } from 'ajv';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { DeviceRow } from '../db/devices.js';
import type { Logger } from '../log.js';
import { isDatabaseError } from '../db/engine.js';
import type { Services } from '../services/index.js';
import type { Metrics } from '../services/operations/index.js';
import { checkLocalTable } from '../status.js';
import { readBody, parseJson } from './body.js';
import { replyFor } from './define.js';
import { envelopeId } from './id.js';
import { refuseBody, replyBeforeBody, sendEnvelope } from './reply.js';
import { consoleToken } from './console.js';
import { clientIp, pathOf, protocolOf, tokenOf, type Trust } from './request.js';
import type { AuthUser, Ctx, EndpointSpec, HandlerSpec, Reply } from './types.js';
import { check, loadSchema } from './validate.js';

/** A request handler of Node's own http server (express's req and res are those too). */
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface Deps {
  config: Config;
  clock: Clock;
  log: Logger;
  services: Services;
}

interface Route {
  spec: HandlerSpec;
  validate: ValidateFunction;
  key: string;
  /** Everything a call's context shares with every other call of this handler; each call adds its own on top. */
  base: Ctx<string>;
}

/** The per-request context: a small object whose prototype holds the services, config and ok/fail. */
function contextFor(base: object, req: IncomingMessage, rid: string, user: AuthUser | null, device: DeviceRow | null): Ctx<string> {
  const ctx = Object.create(base) as Ctx<string> & { req: IncomingMessage };
  ctx.req = req;
  ctx.requestId = rid;
  ctx.user = user;
  ctx.device = device;
  return ctx;
}

function baseContext(deps: Deps, trust: Trust, local: EndpointSpec['local'], success: string): Ctx<string> {
  const { config } = deps;
  const base = { ...deps.services, config, clock: deps.clock, ...replyFor(local, success) };
  Object.defineProperties(base, {
    // every line a handler logs carries its request's id (made on first use)
    log: {
      get(this: { requestId: string; ownLog?: Logger }) {
        return (this.ownLog ??= deps.log.child({ rid: this.requestId }));
      },
    },
    origin: {
      get(this: { req: IncomingMessage }) {
        return originOf(this.req, config, trust);
      },
    },
    ip: {
      get(this: { req: IncomingMessage }) {
        return clientIp(this.req, trust);
      },
    },
    // an account's call without ?token= was signed in by the console's cookie
    via: {
      get(this: { req: IncomingMessage }) {
        return tokenOf(this.req.url) === null ? 'console' : 'app';
      },
    },
  });
  return base as unknown as Ctx<string>;
}

const AUTHS = new Set(['public', 'user', 'admin', 'device']);

/** Everything about an endpoint is checked here, at start-up, so a mistake never waits for its first request. */
function buildTable(endpoint: EndpointSpec, deps: Deps, trust: Trust): Map<string, Route> {
  checkLocalTable(endpoint.path, endpoint.local, endpoint.sharedNumbers);
  const table = new Map<string, Route>();
  for (const spec of endpoint.handlers) {
    const key = `${spec.type}.${spec.subtype}`;
    if (table.has(key)) throw new Error(`${endpoint.path}: ${key} is declared twice`);
    if (!AUTHS.has(spec.auth)) throw new Error(`${endpoint.path}: ${key} must declare auth (public, user, admin or device)`);
    if ((spec.auth === 'device') !== (endpoint.token === 'device') && spec.auth !== 'public') {
      throw new Error(`${endpoint.path}: ${key} has auth ${spec.auth} on a ${endpoint.token}-token endpoint`);
    }
    table.set(key, { spec, validate: loadSchema(`${endpoint.schemas}/${key}.json`), key, base: baseContext(deps, trust, endpoint.local, spec.success) });
  }
  return table;
}

/** Request ids: unique per process start (a random prefix) and cheap (a counter). */
const RID_PREFIX = crypto.randomBytes(4).toString('hex');
let ridCounter = 0;
const nextRequestId = () => `${RID_PREFIX}-${(++ridCounter).toString(36)}`;

/** The request id of a reply outside the envelope (the console's routes): the one it already carries, or a new one it now does. */
export function requestIdOf(res: ServerResponse): string {
  const known = res.getHeader('X-Request-Id');
  if (typeof known === 'string') return known;
  const rid = nextRequestId();
  res.setHeader('X-Request-Id', rid);
  return rid;
}

/** Sends the envelope and writes one access-log line per request, with its request id. */
function responder(req: IncomingMessage, res: ServerResponse, log: Logger, trust: Trust, metrics: Metrics, endpoint: string) {
  const started = performance.now();
  const logging = log.enabled('info');
  const out = {
    rid: nextRequestId(),
    id: -1,
    op: '-',
    send(reply: Reply, http = 200, detail?: string) {
      if (detail) res.setHeader('X-Error-Detail', detail.slice(0, 200).replace(/[^\x20-\x7e]/g, '?'));
      sendEnvelope(res, out.id, reply, http);
      out.log(reply, http, detail);
    },
    /** A reply before the body was read: the client still gets it whole (see replyBeforeBody). */
    async early(reply: Reply) {
      await replyBeforeBody(req, res, out.id, reply);
      out.log(reply, res.statusCode);
    },
    /** 413: the body is not read (see refuseBody). */
    refuse(reply: Reply, detail: string) {
      res.setHeader('X-Error-Detail', detail);
      refuseBody(req, res, out.id, reply);
      out.log(reply, 413, detail);
    },
    log(reply: Reply, http: number, detail?: string) {
      const ms = performance.now() - started;
      metrics.request(endpoint, out.op, reply.status, ms / 1000);
      if (logging) log.info('request', {
        rid: out.rid, ip: clientIp(req, trust), method: req.method, path: pathOf(req.url), op: out.op, id: out.id, status: reply.status, http,
        ms: +ms.toFixed(2), ...(detail ? { detail } : {}),
      });
    },
  };
  res.setHeader('X-Request-Id', out.rid);
  return out;
}

export function originOf(req: IncomingMessage, config: Config, trust: Trust): string {
  return config.publicUrl || `${protocolOf(req, trust)}://${req.headers.host || 'localhost'}`;
}

function failed(err: unknown): 'DATABASE' | 'UNKNOWN' {
  return isDatabaseError(err) ? 'DATABASE' : 'UNKNOWN';
}

/** Resolves a user token to its account, restarting the idle clock; null when it is no good. */
export async function authenticateUser(services: Services, token: string | undefined): Promise<AuthUser | null> {
  if (token === undefined) return null;
  const owner = await services.tokens.authenticate(token);
  if (!owner) return null;
  const user = await services.users.identity(owner.userId);
  return user ? { id: user.id, phone: user.phone, role: user.role, tokenId: owner.tokenId } : null;
}

/**
 * The POST pipeline of one URL: token, body, envelope, `id` rule, handler by
 * type.subtype, data schema, handler, reply. Every outcome is an envelope.
 */
export function dispatcher(endpoint: EndpointSpec, deps: Deps, trust: Trust): Handler {
  const table = buildTable(endpoint, deps, trust);
  const validateEnvelope = loadSchema('envelope.json');
  const { config, log, services } = deps;
  const limit = endpoint.body === 'upload' ? config.uploadBodyLimitBytes : config.bodyLimitBytes;
  const everyNeedsToken = endpoint.handlers.every((h) => h.auth !== 'public');
  const failures = replyFor(endpoint.local, 'successful');

  return (req, res) => {
    const out = responder(req, res, log, trust, services.metrics, endpoint.path);
    return handle(req, res, out);
  };

  async function handle(req: IncomingMessage, res: ServerResponse, out: ReturnType<typeof responder>): Promise<void> {
    try {
      let token = tokenOf(req.url);
      // the console's cookie (with its CSRF header) stands in for ?token=; one that is no good leaves the
      // public calls of the URL open (signing in again), the others answer TOKEN_INVALID below
      const viaCookie = token === null && endpoint.token === 'user' && (token = consoleToken(req, true)) !== null;
      let user: AuthUser | null = null;
      let device: DeviceRow | null = null;
      if (token !== null && endpoint.token === 'user') {
        user = await authenticateUser(services, token);
        if (!user && !viaCookie) return await out.early(failures.fail('TOKEN_INVALID'));
      } else if (token !== null && endpoint.token === 'device') {
        device = (token && await services.devices.byToken(services.read, token)) || null;
        if (!device) return await out.early(failures.fail('DEVICE_TOKEN'));
      } else if (token === null && everyNeedsToken) {
        return await out.early(failures.fail('TOKEN_MISSING'));
      }

      const body = await readBody(req, limit);
      if (!body.ok) {
        if (body.reason === 'aborted') return;
        return out.refuse(failures.fail('VALUE', { max_bytes: limit }), `body over ${limit} bytes`);
      }
      const parsed = parseJson(body.body);
      if (!parsed.ok) return out.send(failures.fail('JSON_KEY'), 200, 'body is not JSON');
      const envelope = parsed.value as Record<string, unknown>;
      if (typeof envelope === 'object' && envelope !== null && !Array.isArray(envelope)) out.id = envelopeId(envelope.id);
      if (!validateEnvelope(envelope)) {
        const where = validateEnvelope.errors![0]!.instancePath;
        const key = where === '/type' || where === '/subtype' ? 'JSON_VALUE' : 'JSON_KEY';
        return out.send(failures.fail(key), 200, `envelope${where} ${validateEnvelope.errors![0]!.message}`);
      }
      const route = table.get(`${envelope.type}.${envelope.subtype}`);
      if (!route) return out.send(failures.fail('JSON_VALUE'), 200, `no ${envelope.type}.${envelope.subtype} on ${endpoint.path}`);
      out.op = route.key;
      const data = envelope.data;
      const { spec } = route;
      if (spec.auth !== 'public' && !user && !device) {
        const reply = failures.fail(token === null ? 'TOKEN_MISSING' : 'TOKEN_INVALID');
        out.id = -1;
        return out.send(reply);
      }
      if (spec.auth === 'admin' && user!.role !== 'admin') return out.send(failures.fail('NO_PERMISSION'));
      const invalid = check(route.validate, data);
      if (invalid) return out.send(failures.fail(invalid.key), 200, invalid.detail);

      const result = spec.run(data, contextFor(route.base, req, out.rid, user, device));
      const reply = result instanceof Promise ? await result : result;
      return out.send(reply);
    } catch (err) {
      log.error('handler failed', { rid: out.rid, path: pathOf(req.url), op: out.op, err });
      if (!res.headersSent) out.send(failures.fail(failed(err)));
    }
  }
}

/** A legacy GET (user/info, user/doki): the token's check is the whole request. */
export function getter(endpoint: EndpointSpec, deps: Deps, trust: Trust): Handler {
  const get = endpoint.get!;
  checkLocalTable(endpoint.path, endpoint.local, endpoint.sharedNumbers);
  if (!(get.badToken in endpoint.local)) throw new Error(`${endpoint.path}: GET badToken ${get.badToken} is not in its table`);
  const { log, services } = deps;
  const reply = replyFor(endpoint.local, get.success);
  const base = baseContext(deps, trust, endpoint.local, get.success);
  return (req, res) => {
    const out = responder(req, res, log, trust, services.metrics, endpoint.path);
    out.op = `GET ${endpoint.path}`;
    return handle(req, res, out);
  };

  async function handle(req: IncomingMessage, res: ServerResponse, out: ReturnType<typeof responder>): Promise<void> {
    try {
      // the console's session cookie when there is no ?token= (a read: no CSRF header needed)
      const query = tokenOf(req.url);
      const token = query === null ? consoleToken(req, false) : query;
      if (token === null) return out.send(reply.fail('TOKEN_MISSING'));
      const user = await authenticateUser(services, token);
      if (!user) return out.send(reply.fail(get.badToken));
      return out.send(await get.run(contextFor(base, req, out.rid, user, null) as Ctx<string> & { user: AuthUser }));
    } catch (err) {
      log.error('handler failed', { rid: out.rid, path: pathOf(req.url), op: out.op, err });
      if (!res.headersSent) out.send(reply.fail(failed(err)));
    }
  }
}

import express, { type Request, type RequestHandler, type Response } from 'express';
import { isDatabaseError } from '../../db/engine.js';
import { consoleToken, csrfFor, sessionCookies } from '../../envelope/console.js';
import { replyFor } from '../../envelope/define.js';
import { authenticateUser, requestIdOf, type Deps } from '../../envelope/dispatch.js';
import type { AuthUser } from '../../envelope/types.js';
import { sendEnvelope } from '../../envelope/reply.js';

const reply = replyFor({}, 'successful');

/** A browser's request from another site: its Origin (sent with every POST) names another host. */
function foreign(req: Request): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

const smallJson = express.json({ limit: 1024, type: 'application/json' });

/** A small JSON object from this origin, handed to `then`; anything else is answered here (403 foreign, 400 not JSON). */
function sameOriginJson(req: Request, res: Response, then: (body: Record<string, unknown>) => void): void {
  if (foreign(req)) return sendEnvelope(res, -1, reply.fail('JSON_KEY'), 403);
  smallJson(req, res, (err?: unknown) => {
    if (err || typeof req.body !== 'object' || req.body === null) return sendEnvelope(res, -1, reply.fail('JSON_KEY'), 400);
    then(req.body as Record<string, unknown>);
  });
}

function failure(deps: Deps, res: Response, err: unknown, what: string): void {
  deps.log.error(what, { err });
  if (!res.headersSent) sendEnvelope(res, -1, reply.fail(isDatabaseError(err) ? 'DATABASE' : 'UNKNOWN'));
}

/** What the console learns of its session: the CSRF value, who is signed in, and the zone `createtime` is written in. */
function sessionData(deps: Deps, token: string, user: AuthUser) {
  return { csrf: csrfFor(token), phone: user.phone, role: user.role, timezone: deps.config.noticeTimezone, answers: deps.config.callbackSecret !== '' };
}

/**
 * POST /app/session `{token}`: the console's sign-in hands over the token login.pass or login.sms gave it,
 * and gets it back as an HttpOnly cookie (envelope/console.ts). JSON only, from this origin only, so that
 * a form on another site cannot sign a browser into someone else's account.
 * GET /app/session: the session the cookie names, or TOKEN_MISSING / TOKEN_INVALID.
 */
export function consoleSessionRoute(deps: Deps): RequestHandler {
  return (req, res) => {
    if (req.method === 'GET') {
      const token = consoleToken(req, false);
      if (!token) return sendEnvelope(res, -1, reply.fail(token === null ? 'TOKEN_MISSING' : 'TOKEN_INVALID'));
      authenticateUser(deps.services, token).then((user) => {
        if (!user) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));
        sendEnvelope(res, -1, reply.ok(sessionData(deps, token, user)));
      }, (err) => failure(deps, res, err, 'console session not read'));
      return;
    }
    if (!req.is('application/json')) return sendEnvelope(res, -1, reply.fail('JSON_KEY'), 403);
    sameOriginJson(req, res, ({ token }) => {
      if (typeof token !== 'string' || !/^[0-9a-f]{32}$/.test(token)) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));
      authenticateUser(deps.services, token).then((user) => {
        if (!user) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));
        res.setHeader('Set-Cookie', sessionCookies(token, req.secure));
        sendEnvelope(res, -1, reply.ok(sessionData(deps, token, user)));
      }, (e) => failure(deps, res, e, 'console session not opened'));
    });
  };
}

/** POST /app/signout: ends the cookie's token (with its CSRF header) and clears the cookies either way. */
export function consoleSignoutRoute(deps: Deps): RequestHandler {
  return (req, res) => {
    if (foreign(req)) return sendEnvelope(res, -1, reply.fail('JSON_KEY'), 403);
    res.setHeader('Set-Cookie', sessionCookies(null, req.secure));
    const token = consoleToken(req, true);
    if (!token) return sendEnvelope(res, -1, reply.ok());
    const { services } = deps;
    authenticateUser(services, token)
      .then(async (user) => {
        if (user) {
          await services.db.transaction(async (tx) => {
            await services.tokens.revoke(tx, user.tokenId);
            await services.audit.record(tx, { user, ip: req.ip ?? '', requestId: requestIdOf(res) }, 'signout', { user }, { session_id: user.tokenId });
          });
        }
        sendEnvelope(res, -1, reply.ok());
      })
      .catch((err) => failure(deps, res, err, 'console sign-out failed'));
  };
}

/**
 * GET /app/export/<id>?key=: a data export's one download, through the link account.export_status gave
 * (not the session: a link can be opened in another browser, or after the session ended). The export is
 * taken before the first byte is sent, so the link works once on every instance; the file goes after.
 */
export function consoleExportRoute(deps: Deps): RequestHandler {
  const { services, log } = deps;
  return (req, res) => {
    const id = String(req.params.id ?? '');
    const key = req.query.key;
    res.setHeader('Cache-Control', 'no-store');
    if (!/^[0-9a-f]{32}$/.test(id) || typeof key !== 'string' || !/^[0-9a-f]{32}$/.test(key)) return void res.status(404).end();
    (async () => {
      const name = await services.exports.take(id, key);
      if (!name) {
        res.status(410).type('text/plain; charset=utf-8').send('This download link was used or has expired. Ask for a new one under Account. / 此下载链接已使用或已过期，请在“账户”中重新申请。');
        return;
      }
      log.info('data export downloaded', { id });
      await services.exports.sendFile(req, res, name, {
        'Content-Type': 'application/zip', 'Content-Disposition': 'attachment; filename="helpaged-data.zip"', 'Cache-Control': 'no-store',
      });
      await services.exports.removeFile(id);
    })().catch((err) => {
      log.error('export not served', { id, err });
      if (!res.headersSent) res.status(500).end();
    });
  };
}

/**
 * POST /app/ack `{event_id, user, exp, sig}`: the Acknowledge action of a fall's push notification, sent
 * by the service worker with the signed ticket the push carried (the session may have ended long
 * before the notice is tapped). Acknowledges and marks read as that account, which must still be bound.
 */
export function consoleAckRoute(deps: Deps): RequestHandler {
  const { services, log } = deps;
  return (req, res) => {
    sameOriginJson(req, res, (body) => {
      const userId = services.push.checkAck(body);
      if (userId === null) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));
      const eventId = String(body.event_id);
      (async () => {
        const user = await services.users.identity(userId);
        const notice = user && await services.notices.visible(services.read, userId, eventId);
        if (!user || !notice) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));
        const acknowledged = await services.noticeIngest.open({ user, ip: req.ip ?? '', requestId: requestIdOf(res), via: 'console' }, notice, log);
        log.info('fall acknowledged from a notification', { event_id: eventId, user: userId });
        sendEnvelope(res, -1, reply.ok({ acknowledged }));
      })().catch((e) => failure(deps, res, e, 'notification acknowledgement failed'));
    });
  };
}

/**
 * POST /app/drill `{proof}`: the service worker's word that a drill's test push arrived (the proof it
 * carried, 128 random bits, good for a day and once). No session: the proof is the credential.
 */
export function consoleDrillRoute(deps: Deps): RequestHandler {
  const { services, log } = deps;
  return (req, res) => {
    sameOriginJson(req, res, (body) => {
      const proof = typeof body.proof === 'string' && /^[0-9a-f]{32}$/.test(body.proof) ? body.proof : null;
      if (proof === null) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));
      services.drills.provePush(proof).then((proved) => {
        if (!proved) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));
        log.info('drill push proved');
        sendEnvelope(res, -1, reply.ok({}));
      }, (e) => failure(deps, res, e, 'drill proof failed'));
    });
  };
}

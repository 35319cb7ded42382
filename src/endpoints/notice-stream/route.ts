import type { RequestHandler } from 'express';
import { isDatabaseError } from '../../db/engine.js';
import { consoleToken } from '../../envelope/console.js';
import { authenticateUser, type Deps } from '../../envelope/dispatch.js';
import { replyFor } from '../../envelope/define.js';
import { sendEnvelope } from '../../envelope/reply.js';
import type { StreamEvent } from '../../services/alerts/index.js';

const MAX_REPLAY = 1000;
const MAX_BUFFERED_BYTES = 1 << 20;

const reply = replyFor({}, 'successful');

/** An event's SSE block as bytes: plain, and framed as one HTTP/1.1 chunk. */
interface Block {
  plain: Buffer;
  chunk: Buffer;
}

/** Each event's bytes, made once however many streams it goes to (a fall may go to 10,000); a memo, not state. */
const blocks = new WeakMap<StreamEvent, Block>();

/** One SSE block; only notices carry an id, so Last-Event-ID always names the last notice seen. */
export function sseBlock(event: StreamEvent): Block {
  let block = blocks.get(event);
  if (block === undefined) {
    const id = event.type === 'notice' ? `id: ${event.seq}\n` : '';
    const plain = Buffer.from(`${id}event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    block = { plain, chunk: Buffer.concat([Buffer.from(`${plain.length.toString(16)}\r\n`), plain, Buffer.from('\r\n')]) };
    blocks.set(event, block);
  }
  return block;
}

/**
 * GET /notice/stream?token= (or the console's cookie): Server-Sent Events: `notice` for each new
 * notice of the account's devices (`id` its sequence number), `acknowledged`
 * when a family member opened one, `device` when a camera goes offline or
 * comes back. A client that comes back with Last-Event-ID (or
 * ?last_event_id=) first gets the notices it missed, in order, then the live
 * ones; none twice. A valid token is never refused: past the account's
 * maximum the oldest stream is closed instead.
 */
export function noticeStreamRoute({ config, services, log }: Deps): RequestHandler {
  return async (req, res) => {
    // the console's session cookie when there is no ?token= (an EventSource sends cookies, not headers)
    const token = typeof req.query.token === 'string' && req.query.token ? req.query.token : consoleToken(req, false);
    if (token === null) return sendEnvelope(res, -1, reply.fail('TOKEN_MISSING'));
    if (token === undefined) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));
    let user;
    try {
      user = await authenticateUser(services, token);
    } catch (err) {
      log.error('stream not opened', { err });
      return sendEnvelope(res, -1, reply.fail(isDatabaseError(err) ? 'DATABASE' : 'UNKNOWN'));
    }
    if (!user) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));

    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: ${config.sseRetryMs}\n\n`);
    const socket = req.socket;
    socket.setNoDelay(true);
    // an idle connection whose peer vanished is probed by TCP itself
    socket.setKeepAlive(true, config.sseHeartbeatSeconds * 1000);

    // false for an HTTP/1.0 client, whose stream ends with the connection
    const chunked = res.chunkedEncoding;
    let stopped = false;
    let last = 0;
    // live events that arrive while the missed ones are read wait behind them
    let held: StreamEvent[] | null = [];
    const write = (event: StreamEvent) => {
      if (held) {
        held.push(event);
        return;
      }
      if (event.type === 'notice') {
        if (event.seq <= last) return;
        last = event.seq;
      }
      // Straight onto the socket as one pre-framed buffer (res.write would cork it until the next tick
      // and frame it in four writes, 10,000 times over); the headers and anything res wrote are ahead of it.
      if (stopped || socket.destroyed) return;
      const block = sseBlock(event);
      socket.write(chunked ? block.chunk : block.plain);
      if (socket.writableLength > MAX_BUFFERED_BYTES) res.destroy(); // a stalled reader resumes with Last-Event-ID
    };
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(heartbeat);
      unsubscribe();
    };
    const unsubscribe = services.hub.subscribe(user.id, {
      send: write,
      close: (why) => {
        if (why === 'replaced') res.write('event: replaced\ndata: {}\n\n');
        // the server is stopping: come back (to another instance, through the load balancer) after the hint
        else res.write(`retry: ${config.sseRetryMs}\n\n`);
        res.end();
        stop();
      },
    });
    const heartbeat = setInterval(() => {
      authenticateUser(services, token).then((still) => {
        if (stopped) return;
        if (!still) {
          res.end();
          stop();
          return;
        }
        res.write(': ping\n\n');
      }, (err) => log.warn('stream token not checked', { user: user.id, err }));
    }, config.sseHeartbeatSeconds * 1000);
    // The server keeps half-open connections (httpAllowHalfOpen), so a client's hang-up arrives as the
    // socket's end, not its close: end the stream there and then.
    socket.once('end', () => {
      stop();
      res.destroy();
    });
    req.on('close', stop);
    res.on('close', stop);

    const resumeFrom = Number(req.headers['last-event-id'] ?? req.query.last_event_id);
    const missed: StreamEvent[] = [];
    if (Number.isSafeInteger(resumeFrom) && resumeFrom >= 0) {
      try {
        const rows = await services.notices.since(services.read, user.id, resumeFrom, MAX_REPLAY);
        const notices = await services.noticeLists.toPublic(services.read, rows);
        for (const [i, row] of rows.entries()) missed.push({ type: 'notice', seq: row.id, data: notices[i]! });
      } catch (err) {
        // the client comes back with the same Last-Event-ID after its retry
        log.error('stream replay failed', { user: user.id, err });
        stop();
        res.destroy();
        return;
      }
    }
    const live = held;
    held = null;
    for (const event of [...missed, ...live]) write(event);
    log.debug('stream opened', { user: user.id, resumeFrom: Number.isFinite(resumeFrom) ? resumeFrom : null });
  };
}

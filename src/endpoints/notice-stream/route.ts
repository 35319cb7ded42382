import type { RequestHandler } from 'express';
import { authenticateUser, type Deps } from '../../envelope/dispatch.js';
import { replyFor } from '../../envelope/define.js';
import { sendEnvelope } from '../../envelope/reply.js';
import type { StreamEvent } from '../../services/hub.js';

const MAX_REPLAY = 1000;
const MAX_BUFFERED_BYTES = 1 << 20;

const reply = replyFor({}, 'successful');

/** Each event's SSE text, made once however many streams it goes to (a fall may go to 10,000); a memo, not state. */
const blocks = new WeakMap<StreamEvent, string>();

/** One SSE block; only notices carry an id, so Last-Event-ID always names the last notice seen. */
export function sseBlock(event: StreamEvent): string {
  let block = blocks.get(event);
  if (block === undefined) {
    const id = event.type === 'notice' ? `id: ${event.seq}\n` : '';
    block = `${id}event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
    blocks.set(event, block);
  }
  return block;
}

/**
 * GET /notice/stream?token=: Server-Sent Events: `notice` for each new
 * notice of the account's devices (`id` its sequence number), `acknowledged`
 * when a family member opened one, `device` when a camera goes offline or
 * comes back. A client that comes back with Last-Event-ID (or
 * ?last_event_id=) first gets the notices it missed, in order, then the live
 * ones; none twice. A valid token is never refused: past the account's
 * maximum the oldest stream is closed instead.
 */
export function noticeStreamRoute({ config, services, log }: Deps): RequestHandler {
  return (req, res) => {
    const token = typeof req.query.token === 'string' && req.query.token ? req.query.token : null;
    if (token === null) return sendEnvelope(res, -1, reply.fail('TOKEN_MISSING'));
    const user = authenticateUser(services, token);
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

    let last = 0;
    const write = (event: StreamEvent) => {
      if (event.type === 'notice') {
        if (event.seq <= last) return;
        last = event.seq;
      }
      res.write(sseBlock(event));
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy(); // a stalled reader resumes with Last-Event-ID
    };
    let stopped = false;
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
        res.end();
        stop();
      },
    });
    const heartbeat = setInterval(() => {
      if (!authenticateUser(services, token)) {
        res.end();
        stop();
        return;
      }
      res.write(': ping\n\n');
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
    if (Number.isSafeInteger(resumeFrom) && resumeFrom >= 0) {
      for (const row of services.notices.since(user.id, resumeFrom, MAX_REPLAY)) {
        write({ type: 'notice', seq: row.id, data: services.noticeService.toPublic(row) });
      }
    }
    log.debug('stream opened', { user: user.id, resumeFrom: Number.isFinite(resumeFrom) ? resumeFrom : null });
  };
}

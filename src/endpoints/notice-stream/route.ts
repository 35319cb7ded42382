import type { RequestHandler } from 'express';
import { authenticateUser, type Deps } from '../../envelope/dispatch.js';
import { replyFor } from '../../envelope/define.js';
import { sendEnvelope } from '../../envelope/reply.js';
import type { StreamEvent } from '../../services/hub.js';

const MAX_STREAMS_PER_USER = 10;
const MAX_REPLAY = 1000;
const MAX_BUFFERED_BYTES = 1 << 20;

const reply = replyFor({}, 'successful');

/**
 * GET /notice/stream?token=: Server-Sent Events, one `notice` event per new
 * notice of the account's devices, `id` the notice's sequence number. A
 * client that comes back with Last-Event-ID (or ?last_event_id=) first gets
 * what it missed, in order, then the live ones; none twice.
 */
export function noticeStreamRoute({ config, services, log }: Deps): RequestHandler {
  return (req, res) => {
    const token = typeof req.query.token === 'string' && req.query.token ? req.query.token : null;
    if (token === null) return sendEnvelope(res, -1, reply.fail('TOKEN_MISSING'));
    const user = authenticateUser(services, token);
    if (!user) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));
    if (services.hub.streams(user.id) >= MAX_STREAMS_PER_USER) return sendEnvelope(res, -1, reply.fail('NO_PERMISSION'), 429);

    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    res.socket?.setNoDelay(true);

    let last = 0;
    const write = (event: StreamEvent) => {
      if (event.seq <= last) return;
      last = event.seq;
      const { seq, ...fields } = event;
      res.write(`id: ${seq}\nevent: notice\ndata: ${JSON.stringify(fields)}\n\n`);
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy(); // a stalled reader resumes with Last-Event-ID
    };
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe();
    };
    const unsubscribe = services.hub.subscribe(user.id, { send: write, close: () => res.end() });
    const heartbeat = setInterval(() => {
      if (!authenticateUser(services, token)) {
        res.end();
        return;
      }
      res.write(': ping\n\n');
    }, config.sseHeartbeatSeconds * 1000);
    req.on('close', stop);
    res.on('close', stop);

    const resumeFrom = Number(req.headers['last-event-id'] ?? req.query.last_event_id);
    if (Number.isSafeInteger(resumeFrom) && resumeFrom >= 0) {
      for (const row of services.notices.since(user.id, resumeFrom, MAX_REPLAY)) {
        write({ seq: row.id, ...services.noticeService.toPublic(row) });
      }
    }
    log.debug('stream opened', { user: user.id, resumeFrom: Number.isFinite(resumeFrom) ? resumeFrom : null });
  };
}

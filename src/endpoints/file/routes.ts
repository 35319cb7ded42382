import path from 'node:path';
import type { RequestHandler } from 'express';
import { isDatabaseError } from '../../db/engine.js';
import { authenticateUser, type Deps } from '../../envelope/dispatch.js';
import { replyFor } from '../../envelope/define.js';
import { refuseBody, replyBeforeBody, sendEnvelope } from '../../envelope/reply.js';
import { LOCAL } from './statuses.js';

const WHY = { grant: 'BAD_GRANT', too_large: 'TOO_LARGE', malformed: 'MALFORMED' } as const;

/** POST /file/upload: multipart form with the grant fields of file.params, then `file`. Answers an envelope. */
export function fileUploadRoute({ config, services, log }: Deps): RequestHandler {
  return async (req, res) => {
    const reply = replyFor(LOCAL, 'successful');
    try {
      const result = await services.uploads.receive(req, config.fileMaxBytes);
      if (!result.ok) {
        if (result.why === 'too_large') return refuseBody(req, res, -1, reply.fail(WHY.too_large));
        return await replyBeforeBody(req, res, -1, reply.fail(WHY[result.why]));
      }
      const { id, size, sha256, filename } = result.file;
      log.info('file uploaded', { id, size });
      return sendEnvelope(res, -1, reply.ok({ file_id: id, filename, size, sha256 }));
    } catch (err) {
      log.error('upload failed', { err });
      if (!res.headersSent) sendEnvelope(res, -1, reply.fail('UNKNOWN'));
    }
  };
}

/** GET /file/<file_id>?token=: an uploaded file, to its owner, until it is used. */
export function fileDownloadRoute({ services, log }: Deps): RequestHandler {
  return async (req, res) => {
    const reply = replyFor(LOCAL, 'successful');
    try {
      const token = typeof req.query.token === 'string' ? req.query.token : undefined;
      if (!token) return sendEnvelope(res, -1, reply.fail('TOKEN_MISSING'));
      const user = await authenticateUser(services, token);
      if (!user) return sendEnvelope(res, -1, reply.fail('TOKEN_INVALID'));
      const id = String(req.params.id);
      const file = /^[0-9a-f]{32}$/.test(id) && (await services.uploads.find(user.id, id, 'avatar') ?? await services.uploads.find(user.id, id, 'upgrade'));
      if (!file) return sendEnvelope(res, -1, reply.fail('BAD_GRANT'), 404);
      res.setHeader('Content-Disposition', `attachment; filename="${path.basename(file.filename).replace(/[^\w.-]/g, '_')}"`);
      if (!(await services.uploads.files.send(req, res, file.id, { 'Cache-Control': 'private, no-store' }))) return sendEnvelope(res, -1, reply.fail('BAD_GRANT'), 404);
    } catch (err) {
      log.error('file download failed', { err });
      if (!res.headersSent) sendEnvelope(res, -1, reply.fail(isDatabaseError(err) ? 'DATABASE' : 'UNKNOWN'));
    }
  };
}

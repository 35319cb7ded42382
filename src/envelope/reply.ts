import type { Response } from 'express';
import type { Reply } from './types.js';

/** `data` that is already JSON text (a cached reply): written as is. */
export class RawJson {
  constructor(readonly json: string) {}
}

/** Writes `{id, status, message, data}` in that key order; HTTP 200 unless a transport problem says otherwise. */
export function sendEnvelope(res: Response, id: number, reply: Reply, http = 200): void {
  const body = reply.data instanceof RawJson
    ? `{"id":${id},"status":${reply.status},"message":${JSON.stringify(reply.message)},"data":${reply.data.json}}`
    : JSON.stringify({ id, status: reply.status, message: reply.message, data: reply.data });
  res.statusCode = http;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

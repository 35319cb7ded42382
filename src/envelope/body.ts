import { isAscii } from 'node:buffer';
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over the
 * limit is refused before a byte is read; a chunked body is refused as soon as
 * it passes the limit. Nothing over the limit is ever held in memory.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, reason: 'too_large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0; // -1 once settled: later chunks are dropped
    req.on('data', (chunk: Buffer) => {
      if (size < 0) return;
      size += chunk.length;
      if (size > limit) {
        size = -1;
        chunks.length = 0;
        resolve({ ok: false, reason: 'too_large' });
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      if (size < 0) return;
      resolve({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
      size = -1;
    });
    const abort = () => {
      if (size < 0) return;
      size = -1;
      resolve({ ok: false, reason: 'aborted' });
    };
    req.on('error', abort);
    req.on('close', () => {
      if (!req.complete) abort();
    });
  });
}

/**
 * Whatever the Content-Type says, the body is read as JSON text. Pure ASCII
 * (nearly every body, and every camera's base64) skips UTF-8 decoding.
 */
export function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString(isAscii(body) ? 'latin1' : 'utf8')) };
  } catch {
    return { ok: false };
  }
}

import { isAscii } from 'node:buffer';
import { randomBytes } from 'node:crypto';
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

/** Strings at least this long are lifted out of the JSON text before parsing (camera photos). */
const LIFT_AT = 64 * 1024;
const NONCE = randomBytes(12).toString('hex');
const PLACEHOLDER = new RegExp(`^\u0000${NONCE}:(\\d+)$`);

/**
 * Whatever the Content-Type says, the body is read as JSON text. Pure ASCII
 * (nearly every body, and every camera's base64) skips UTF-8 decoding.
 */
export function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    const ascii = isAscii(body);
    if (ascii && body.length > LIFT_AT) {
      const lifted = parseLifted(body);
      if (lifted) return lifted;
    }
    return { ok: true, value: JSON.parse(ascii ? latin1(body, 0, body.length) : body.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/**
 * A camera upload is a few bytes of JSON around one 1.2 MB base64 string.
 * Long strings without escapes are found with indexOf (memchr speed), cut
 * out, and put back after JSON.parse has read the rest: the text is copied
 * once instead of decoded, copied and scanned again by the parser. The
 * placeholder carries a per-process nonce, so no client string can pose as
 * one. Anything unusual (an escape, an unterminated string) returns
 * undefined and the whole body goes through JSON.parse. One leniency: a raw
 * control character inside a lifted string is not refused as JSON (every
 * such string is base64, whose decoder refuses it or, for a line break,
 * skips it as Python's encodebytes output needs anyway).
 */
function parseLifted(body: Buffer): { ok: true; value: unknown } | { ok: false } | undefined {
  const strings: string[] = [];
  let text = '';
  let from = 0; // copied into text up to here
  let scan = 0; // tokens read up to here
  for (let open = body.indexOf(0x22); open >= 0; open = body.indexOf(0x22, scan)) {
    let close = body.indexOf(0x22, open + 1);
    while (close > 0 && escaped(body, close)) close = body.indexOf(0x22, close + 1);
    if (close < 0) return undefined;
    scan = close + 1;
    if (close - open <= LIFT_AT || isKey(body, close)) continue;
    const backslash = body.indexOf(0x5c, open + 1);
    if (backslash >= 0 && backslash < close) return undefined;
    const value = latin1(body, open + 1, close);
    text += `${latin1(body, from, open)}"\\u0000${NONCE}:${strings.length}"`;
    strings.push(value);
    from = scan;
  }
  if (strings.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text + latin1(body, from, body.length));
  } catch {
    return { ok: false };
  }
  try {
    return { ok: true, value: restore(value, strings) };
  } catch {
    return undefined; // nested too deep to walk: let JSON.parse have it all
  }
}

function isKey(body: Buffer, close: number): boolean {
  let at = close + 1;
  while (body[at] === 0x20 || body[at] === 0x0a || body[at] === 0x0d || body[at] === 0x09) at++;
  return body[at] === 0x3a; // :
}

/**
 * Long texts are built from pieces small enough for V8's young generation:
 * one text over a megabyte would be an external string, far dearer to
 * collect (measurements in docs/PERFORMANCE.md, "Code shaped by speed").
 */
const PIECE = 96 * 1024;
function latin1(body: Buffer, start: number, end: number): string {
  if (end - start <= PIECE) return body.toString('latin1', start, end);
  let text = '';
  for (let at = start; at < end; at += PIECE) text += body.toString('latin1', at, Math.min(at + PIECE, end));
  return text;
}

/** Whether the quote at `at` is escaped: an odd run of backslashes before it. */
function escaped(body: Buffer, at: number): boolean {
  let n = 0;
  while (body[at - 1 - n] === 0x5c) n++;
  return n % 2 === 1;
}

/** Puts lifted strings back in place (JSON.parse made every key an own property, __proto__ included). */
function restore(value: unknown, strings: string[]): unknown {
  if (typeof value === 'string') {
    const m = value.length < 40 && value.charCodeAt(0) === 0 ? PLACEHOLDER.exec(value) : null;
    return m ? strings[Number(m[1])] : value;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = restore(record[key], strings);
  }
  return value;
}

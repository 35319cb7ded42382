import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The browser console's credentials. Legacy clients put their token in `?token=`; the console never
 * does (it would sit in access logs, history and Referer). After signing in it hands its token to
 * POST /app/session once, which sets it as an HttpOnly, SameSite=Strict cookie that no script can
 * read, beside a CSRF value derived from it (readable, not a credential by itself). A POST that
 * comes with the cookie must carry that value in CSRF_HEADER; GETs (the alert stream, photos) need
 * only the cookie, and change nothing.
 */
export const SESSION_COOKIE = 'helpaged_session';
export const CSRF_COOKIE = 'helpaged_csrf';
export const CSRF_HEADER = 'x-helpaged-csrf';

/** The CSRF value of a session: only whoever holds the token (the server, or a page it was set for) can make it. */
export function csrfFor(token: string): string {
  return crypto.createHash('sha256').update(`helpaged-console-csrf\0${token}`).digest('hex');
}

export function cookieOf(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/**
 * The session cookie's token: null without one; undefined when `csrf` is asked for and the request's
 * CSRF header does not match it (compared in constant time).
 */
export function consoleToken(req: IncomingMessage, csrf: boolean): string | null | undefined {
  const token = cookieOf(req, SESSION_COOKIE);
  if (token === null) return null;
  if (!/^[0-9a-f]{32}$/.test(token)) return undefined;
  if (!csrf) return token;
  const given = Buffer.from(String(req.headers[CSRF_HEADER] ?? ''));
  const expected = Buffer.from(csrfFor(token));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? token : undefined;
}

/** Set-Cookie values for a session (dies with the browser; the token's own idle expiry still holds), or to end one. */
export function sessionCookies(token: string | null, secure: boolean): string[] {
  const flags = `Path=/; SameSite=Strict${secure ? '; Secure' : ''}`;
  if (token === null) return [`${SESSION_COOKIE}=; ${flags}; HttpOnly; Max-Age=0`, `${CSRF_COOKIE}=; ${flags}; Max-Age=0`];
  return [`${SESSION_COOKIE}=${token}; ${flags}; HttpOnly`, `${CSRF_COOKIE}=${csrfFor(token)}; ${flags}`];
}

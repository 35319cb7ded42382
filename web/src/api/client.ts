/**
 * The envelope API as the console speaks it: POST /api/<path> with {id, type, subtype, data}. The token
 * is never in a URL or in script-readable storage: it travels as the HttpOnly session cookie, and each
 * POST carries the session's CSRF value (readable from its own cookie) in a header.
 */
import { keyOf, type StatusKey } from './statuses';

export interface Reply<T = Record<string, unknown>> {
  id: number;
  status: number;
  message: string;
  data: T;
  /** The status by name, in the answering URL's table (api/statuses.ts): what the console compares, never `status`. */
  key: StatusKey;
}

/** The server could not be reached, or did not answer an envelope. */
export class NetworkError extends Error {}

let nextId = 1;

function cookie(name: string): string {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return '';
}

async function post<T>(url: string, body: unknown, path?: string): Promise<Reply<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'X-HelpAged-CSRF': cookie('helpaged_csrf') },
      body: JSON.stringify(body),
    });
  } catch {
    throw new NetworkError('unreachable');
  }
  let reply: Reply<T>;
  try {
    reply = (await res.json()) as Reply<T>;
  } catch {
    throw new NetworkError(`HTTP ${res.status}`);
  }
  reply.key = keyOf(path, reply.status);
  return reply;
}

export function call<T = Record<string, unknown>>(path: string, type: string, subtype: string, data: unknown = {}): Promise<Reply<T>> {
  return post<T>(`/api${path}`, { id: nextId++, type, subtype, data }, path);
}

export interface Session {
  csrf: string;
  phone: string;
  role: string;
  /** The zone the server writes `createtime` in. */
  timezone: string;
  /** The server takes answers by phone (keypresses, SMS replies): the resident and a last resort may be set. */
  answers?: boolean;
}

const HINT = 'helpaged.session';
export const LAST_LIST = 'helpaged.last-list';

/**
 * The cookie's session, asked of the server. Offline, the last one this browser had (who and which
 * zone, no credential), so that the shell can say it is offline and show the last list.
 */
export async function currentSession(): Promise<Session | null> {
  let reply: Reply<Session>;
  try {
    const res = await fetch('/app/session', { credentials: 'same-origin', cache: 'no-store' });
    reply = (await res.json()) as Reply<Session>;
    reply.key = keyOf(undefined, reply.status);
  } catch {
    const hint = localStorage.getItem(HINT);
    return hint ? { ...(JSON.parse(hint) as Session), csrf: '' } : null;
  }
  if (reply.key !== 'OK') {
    forget();
    return null;
  }
  remember(reply.data);
  return reply.data;
}

export function remember(session: Session): void {
  localStorage.setItem(HINT, JSON.stringify({ phone: session.phone, role: session.role, timezone: session.timezone }));
}

/** What this browser kept of an account: gone with its session. */
function forget(): void {
  localStorage.removeItem(HINT);
  localStorage.removeItem(LAST_LIST);
  if ('caches' in window) void caches.delete('helpaged-photos');
}

/** Hands the token a sign-in gave to the server, which keeps it as the session cookie; the page forgets it. */
export async function openSession(token: string): Promise<Reply<Session>> {
  return post<Session>('/app/session', { token });
}

export async function closeSession(): Promise<void> {
  forget();
  await post('/app/signout', {}).catch(() => undefined);
}

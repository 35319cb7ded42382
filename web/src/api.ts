/**
 * The envelope API as the console speaks it: POST /api/<path> with {id, type, subtype, data}. The token
 * is never in a URL or in script-readable storage: it travels as the HttpOnly session cookie, and each
 * POST carries the session's CSRF value (readable from its own cookie) in a header.
 */
export interface Reply<T = Record<string, unknown>> {
  id: number;
  status: number;
  message: string;
  data: T;
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

async function post<T>(url: string, body: unknown): Promise<Reply<T>> {
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
  try {
    return (await res.json()) as Reply<T>;
  } catch {
    throw new NetworkError(`HTTP ${res.status}`);
  }
}

export function call<T = Record<string, unknown>>(path: string, type: string, subtype: string, data: unknown = {}): Promise<Reply<T>> {
  return post<T>(`/api${path}`, { id: nextId++, type, subtype, data });
}

export interface Session {
  csrf: string;
  phone: string;
  role: string;
  /** The zone the server writes `createtime` in. */
  timezone: string;
}

export async function currentSession(): Promise<Session | null> {
  try {
    const res = await fetch('/app/session', { credentials: 'same-origin', cache: 'no-store' });
    const reply = (await res.json()) as Reply<Session>;
    return reply.status === 0 ? reply.data : null;
  } catch {
    throw new NetworkError('unreachable');
  }
}

/** Hands the token a sign-in gave to the server, which keeps it as the session cookie; the page forgets it. */
export async function openSession(token: string): Promise<Reply<Session>> {
  return post<Session>('/app/session', { token });
}

export async function closeSession(): Promise<void> {
  await post('/app/signout', {}).catch(() => undefined);
}

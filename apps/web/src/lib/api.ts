/**
 * The API client: JSON over fetch with the session's Bearer token, one automatic refresh on 401
 * (refresh tokens are single use, so concurrent refreshes are coalesced), and every failure turned
 * into an ApiError carrying the server's stable code (ARCHITECTURE §9.4) — screens show
 * `errorText(code)`, never raw server text. A failure to reach the server is code NETWORK.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SessionUser {
  id: string;
  email: string;
  fullName: string;
  roles: string[];
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
  user?: SessionUser;
}

const KEY = 'electra.session';
const listeners = new Set<() => void>();

export function session(): Tokens | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

export function setSession(tokens: Tokens | null): void {
  if (tokens) sessionStorage.setItem(KEY, JSON.stringify(tokens));
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function onSessionChange(listener: () => void): void {
  listeners.add(listener);
}

let refreshing: Promise<boolean> | null = null;

async function refresh(): Promise<boolean> {
  const s = session();
  if (!s) return false;
  refreshing ??= (async () => {
    try {
      const r = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: s.refreshToken }),
      });
      if (!r.ok) {
        setSession(null);
        return false;
      }
      const body = (await r.json()) as Tokens;
      setSession({ accessToken: body.accessToken, refreshToken: body.refreshToken, user: s.user });
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  auth?: boolean;
  /** A Bearer token other than the session's (the MFA enrolment token). */
  token?: string;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const s = session();
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  else if (options.auth !== false && s) headers.authorization = `Bearer ${s.accessToken}`;
  let r: Response;
  try {
    r = await fetch(path, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', 'network error');
  }
  if (r.status === 401 && !retried && options.auth !== false && s && (await refresh())) {
    return api<T>(path, options, true);
  }
  if (r.status === 204) return undefined as T;
  const text = await r.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!r.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      r.status,
      err?.code ?? (r.status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'),
      err?.message ?? r.statusText,
    );
  }
  return json as T;
}

export async function signOut(): Promise<void> {
  const s = session();
  setSession(null);
  if (s)
    await api('/api/auth/logout', { body: { refreshToken: s.refreshToken }, auth: false }).catch(
      () => undefined,
    );
}

/**
 * Classifying PostgreSQL/driver errors, which decides what may be retried: SQLSTATE 40001
 * (serialization failure) and 40P01 (deadlock) mean "rolled back, run it again"; class 08 and the
 * 57P0x shutdown/termination codes, or a socket error, mean the connection is gone. Also masks
 * passwords in connection URLs before they reach a message or a log line.
 */

const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// admin_shutdown (pg_terminate_backend), crash_shutdown, cannot_connect_now
const CONNECTION_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|not queryable/i;

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isConnectionError(e: unknown): boolean {
  const code = codeOf(e);
  if (code && (CONNECTION_ERRNOS.has(code) || CONNECTION_SQLSTATES.has(code) || code.startsWith('08')))
    return true;
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' && CONNECTION_MESSAGES.test(message);
}

/**
 * "cached plan must not change result type" (0A000): a prepared statement outlived a migration that
 * changed what it returns (another replica migrated); running it again unprepared succeeds.
 */
export function isCachedPlanError(e: unknown): boolean {
  const message = (e as { message?: unknown } | null)?.message;
  return codeOf(e) === '0A000' && typeof message === 'string' && /cached plan/i.test(message);
}

export function isRetryableTransactionError(e: unknown): boolean {
  const code = codeOf(e);
  return code === '40001' || code === '40P01';
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db` (unparseable input: fully masked). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) {
      if (/pass|secret|key|token/i.test(key)) u.searchParams.set(key, '***');
    }
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

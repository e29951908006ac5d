/**
 * Housekeeping of the identity tables: refresh tokens, sessions, failure counters and reset codes
 * that can no longer matter are deleted, so the tables stay small over years of elections. Spent and
 * revoked refresh tokens are kept until they would have expired, since reuse detection needs them.
 * Runs opportunistically (at most every 10 minutes per process, off the request path).
 */
import type { Database } from '../../store/database.js';
import type { Clock } from './clock.js';
import { REFRESH_TOKEN_TTL_MS } from './session-service.js';

const DAY = 24 * 3600 * 1000;

export interface SweepResult {
  refreshTokens: number;
  sessions: number;
  loginFailures: number;
  resetCodes: number;
}

export function createAuthSweeper(db: Database, clock: Clock, intervalMs = 10 * 60_000) {
  let last = Number.NEGATIVE_INFINITY;
  let running = false;

  async function sweep(): Promise<SweepResult> {
    const now = clock();
    const at = (ms: number) => new Date(now - ms);
    const run = async (name: string, sql: string, params: unknown[]) =>
      (await db.query(name, sql, params)).rowCount;
    const sessions = await run(
      'auth_sweep.sessions',
      'DELETE FROM auth_sessions WHERE expires_at < $1 OR revoked_at < $2',
      [at(DAY), at(REFRESH_TOKEN_TTL_MS + DAY)],
    );
    const refreshTokens = await run(
      'auth_sweep.refresh_tokens',
      'DELETE FROM refresh_tokens WHERE expires_at < $1',
      [at(DAY)],
    );
    const loginFailures = await run(
      'auth_sweep.login_failures',
      'DELETE FROM login_failures WHERE last_failure_at < $1 AND (locked_until IS NULL OR locked_until < $2)',
      [at(DAY), at(0)],
    );
    const resetCodes = await run(
      'auth_sweep.reset_codes',
      'DELETE FROM password_reset_codes WHERE expires_at < $1',
      [at(DAY)],
    );
    return { refreshTokens, sessions, loginFailures, resetCodes };
  }

  return {
    sweep,
    /** Start a sweep in the background if none ran in the last interval. */
    maybeSweep(onError: (err: unknown) => void): void {
      const now = clock();
      if (running || now - last < intervalMs) return;
      last = now;
      running = true;
      sweep()
        .catch(onError)
        .finally(() => {
          running = false;
        });
    },
  };
}

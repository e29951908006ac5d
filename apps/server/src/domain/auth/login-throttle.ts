/**
 * Per-account brute-force defence. Failed sign-ins are counted per subject — the account when the
 * login names one, otherwise a hash of the login string — so unknown and known accounts lock out
 * alike and a lockout reveals nothing. From the 5th consecutive failure the subject is locked for
 * 1 minute, doubling with each further failure up to 1 hour; a success clears the counter, and a
 * subject with no failure for 24 hours starts again from zero. While locked, no password is checked.
 */
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../../store/database.js';
import type { Clock } from './clock.js';

export interface LockoutPolicy {
  /** failures tolerated before the first lock */
  threshold: number;
  baseLockMs: number;
  maxLockMs: number;
  /** a quiet period after which the counter starts again */
  resetAfterMs: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  threshold: 5,
  baseLockMs: 60_000,
  maxLockMs: 3_600_000,
  resetAfterMs: 24 * 3_600_000,
};

/** Lock length after `failures` consecutive failures (0: not locked). */
export function lockDurationMs(failures: number, policy: LockoutPolicy = DEFAULT_LOCKOUT_POLICY): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.baseLockMs * 2 ** doublings, policy.maxLockMs);
}

export function subjectForUser(userId: string): string {
  return `user:${userId}`;
}

export function subjectForUnknownLogin(login: string): string {
  return `login:${createHash('sha256').update(login.trim().toLowerCase(), 'utf8').digest('hex')}`;
}

export interface LoginFailureRepository {
  /** Increment atomically (restarting from 1 when the last failure is older than `staleBefore`). */
  increment(subject: string, now: number, staleBefore: number): Promise<number>;
  setLockedUntil(subject: string, until: number): Promise<void>;
  lockedUntil(subject: string): Promise<number | null>;
  clear(subject: string, tx?: Queryable): Promise<void>;
}

export type ThrottleState = { locked: false } | { locked: true; retryAfterMs: number };

export interface LoginThrottle {
  check(subject: string): Promise<ThrottleState>;
  /** Record a failure; returns the lock now in force, if any. */
  fail(subject: string): Promise<ThrottleState & { failures: number }>;
  succeed(subject: string, tx?: Queryable): Promise<void>;
}

export function createLoginThrottle(opts: {
  repository: LoginFailureRepository;
  clock: Clock;
  policy?: LockoutPolicy;
}): LoginThrottle {
  const policy = opts.policy ?? DEFAULT_LOCKOUT_POLICY;
  return {
    async check(subject) {
      const until = await opts.repository.lockedUntil(subject);
      const now = opts.clock();
      return until !== null && until > now ? { locked: true, retryAfterMs: until - now } : { locked: false };
    },
    async fail(subject) {
      const now = opts.clock();
      const failures = await opts.repository.increment(subject, now, now - policy.resetAfterMs);
      const lock = lockDurationMs(failures, policy);
      if (lock === 0) return { locked: false, failures };
      await opts.repository.setLockedUntil(subject, now + lock);
      return { locked: true, retryAfterMs: lock, failures };
    },
    succeed: (subject, tx) => opts.repository.clear(subject, tx),
  };
}

export function createPgLoginFailureRepository(db: Database): LoginFailureRepository {
  return {
    async increment(subject, now, staleBefore) {
      const { rows } = await db.query<{ failures: number }>(
        'login_failures.increment',
        `INSERT INTO login_failures (subject, failures, last_failure_at) VALUES ($1, 1, $2)
         ON CONFLICT (subject) DO UPDATE SET
           failures = CASE WHEN login_failures.last_failure_at < $3 THEN 1 ELSE login_failures.failures + 1 END,
           locked_until = CASE WHEN login_failures.last_failure_at < $3 THEN NULL ELSE login_failures.locked_until END,
           last_failure_at = $2
         RETURNING failures`,
        [subject, new Date(now), new Date(staleBefore)],
      );
      return rows[0]!.failures;
    },
    async setLockedUntil(subject, until) {
      await db.query(
        'login_failures.lock',
        'UPDATE login_failures SET locked_until = greatest(coalesce(locked_until, $2), $2) WHERE subject = $1',
        [subject, new Date(until)],
      );
    },
    async lockedUntil(subject) {
      const { rows } = await db.query<{ locked_until: Date | null }>(
        'login_failures.locked_until',
        'SELECT locked_until FROM login_failures WHERE subject = $1',
        [subject],
      );
      return rows[0]?.locked_until?.getTime() ?? null;
    },
    async clear(subject, tx) {
      await (tx ?? db).query('login_failures.clear', 'DELETE FROM login_failures WHERE subject = $1', [
        subject,
      ]);
    },
  };
}

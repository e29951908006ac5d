/**
 * Fixed-window request counters shared by every replica, for the per-IP limits on the auth routes.
 * Two implementations behind one interface: PostgreSQL (one atomic upsert per hit; the default, no
 * extra service) and Redis (INCR + PEXPIRE in one Lua script) when REDIS_URL is set.
 */
import type { Redis } from 'ioredis';
import type { Database } from '../../store/database.js';
import type { Clock } from './clock.js';

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  /** milliseconds until the window resets */
  resetInMs: number;
}

export interface RateLimiter {
  readonly kind: 'postgres' | 'redis';
  hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
}

export function createPgRateLimiter(db: Database, clock: Clock): RateLimiter {
  let lastSweep = 0;
  return {
    kind: 'postgres',
    async hit(key, limit, windowMs) {
      const now = clock();
      const { rows } = await db.query<{ count: number; reset_at: Date }>(
        'rate_limit.hit',
        `INSERT INTO rate_limit_buckets (key, count, reset_at) VALUES ($1, 1, $3)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_limit_buckets.reset_at <= $2 THEN 1 ELSE rate_limit_buckets.count + 1 END,
           reset_at = CASE WHEN rate_limit_buckets.reset_at <= $2 THEN $3 ELSE rate_limit_buckets.reset_at END
         RETURNING count, reset_at`,
        [key, new Date(now), new Date(now + windowMs)],
      );
      if (now - lastSweep > 60_000) {
        lastSweep = now;
        // Expired buckets are only garbage; sweeping them now and then keeps the table small.
        await db.query('rate_limit.sweep', 'DELETE FROM rate_limit_buckets WHERE reset_at < $1', [
          new Date(now - 3_600_000),
        ]);
      }
      const row = rows[0]!;
      return {
        allowed: row.count <= limit,
        count: row.count,
        resetInMs: Math.max(0, row.reset_at.getTime() - now),
      };
    },
  };
}

const HIT_SCRIPT = `
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {c, ttl}`;

export function createRedisRateLimiter(redis: Redis, prefix = 'electra:rl:'): RateLimiter {
  return {
    kind: 'redis',
    async hit(key, limit, windowMs) {
      const [count, ttl] = (await redis.eval(HIT_SCRIPT, 1, prefix + key, String(windowMs))) as [
        number,
        number,
      ];
      return { allowed: count <= limit, count, resetInMs: Math.max(0, ttl) };
    },
  };
}

/**
 * Redis first, PostgreSQL when Redis fails (down, timeout): an outage of the optional cache must not
 * turn every sign-in into a 500, and the limits still hold across replicas through the database.
 */
export function createFallbackRateLimiter(
  primary: RateLimiter,
  fallback: RateLimiter,
  onError: (err: unknown) => void,
): RateLimiter {
  return {
    kind: primary.kind,
    async hit(key, limit, windowMs) {
      try {
        return await primary.hit(key, limit, windowMs);
      } catch (err) {
        onError(err);
        return fallback.hit(key, limit, windowMs);
      }
    },
  };
}

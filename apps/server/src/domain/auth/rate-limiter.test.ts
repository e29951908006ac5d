import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFallbackRateLimiter, type RateLimiter } from './rate-limiter.js';

describe('fallback rate limiter', () => {
  test('uses the primary; when it throws, counts with the fallback and reports the error', async () => {
    let primaryDown = false;
    const counts = new Map<string, number>();
    const counter = (kind: 'redis' | 'postgres'): RateLimiter => ({
      kind,
      async hit(key, limit) {
        if (kind === 'redis' && primaryDown) throw new Error('ECONNREFUSED');
        const k = `${kind}:${key}`;
        const count = (counts.get(k) ?? 0) + 1;
        counts.set(k, count);
        return { allowed: count <= limit, count, resetInMs: 1000 };
      },
    });
    const errors: unknown[] = [];
    const limiter = createFallbackRateLimiter(counter('redis'), counter('postgres'), (e) => errors.push(e));
    assert.equal((await limiter.hit('ip', 1, 60_000)).allowed, true);
    primaryDown = true;
    assert.equal((await limiter.hit('ip', 1, 60_000)).allowed, true);
    assert.equal((await limiter.hit('ip', 1, 60_000)).allowed, false);
    assert.equal(errors.length, 2);
    assert.deepEqual(
      [...counts],
      [
        ['redis:ip', 1],
        ['postgres:ip', 2],
      ],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemorySessionRepository } from './memory-repositories.js';
import { createSessionService } from './session-service.js';

function setup() {
  let now = Date.UTC(2026, 0, 1);
  const service = createSessionService({
    repository: createMemorySessionRepository(),
    clock: () => now,
    cacheTtlMs: 0,
  });
  return { service, advance: (ms: number) => (now += ms) };
}

describe('session service (refresh rotation)', () => {
  test('each refresh returns a new token in the same session; the old one is spent', async () => {
    const { service } = setup();
    const s = await service.start('u1', false);
    const r1 = await service.rotate(s.refreshToken);
    assert.ok(r1.ok);
    assert.equal(r1.sessionId, s.sessionId);
    assert.notEqual(r1.refreshToken, s.refreshToken);
    const r2 = await service.rotate(r1.refreshToken);
    assert.ok(r2.ok);
    assert.equal(await service.isActive(s.sessionId), true);
  });

  test('reuse of a spent token revokes the whole family', async () => {
    const { service } = setup();
    const s = await service.start('u1', false);
    const r1 = await service.rotate(s.refreshToken);
    assert.ok(r1.ok);
    const reuse = await service.rotate(s.refreshToken);
    assert.deepEqual(reuse, { ok: false, reason: 'reused', sessionId: s.sessionId, userId: 'u1' });
    assert.equal(await service.isActive(s.sessionId), false);
    // The legitimate holder's newer token dies with the family.
    const after = await service.rotate(r1.refreshToken);
    assert.equal(after.ok, false);
    assert.equal(!after.ok && after.reason, 'revoked');
  });

  test('expiry after 7 days, unknown tokens, logout and revoke-all', async () => {
    const { service, advance } = setup();
    const s = await service.start('u1', true);
    advance(7 * 24 * 3600 * 1000 + 1);
    const r = await service.rotate(s.refreshToken);
    assert.equal(!r.ok && r.reason, 'expired');
    assert.equal(!(await service.rotate('nope')).ok, true);
    const s2 = await service.start('u1', true);
    assert.deepEqual(await service.revokeByRefreshToken(s2.refreshToken), {
      sessionId: s2.sessionId,
      userId: 'u1',
    });
    assert.equal(await service.isActive(s2.sessionId), false);
    const s3 = await service.start('u2', false);
    assert.equal(await service.revokeAll('test'), 2);
    assert.equal(await service.isActive(s3.sessionId), false);
    assert.ok((await service.tokensNotBefore()) > 0);
  });
});

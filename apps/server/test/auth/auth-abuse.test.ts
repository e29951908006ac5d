import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { authRateLimits } from '../../src/domain/auth/auth-module.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { createUser, type IdentityApp, identityApp, login, PASSWORD, testClock } from './auth-test-kit.js';

const someone = () => `u${randomInt(1e9)}@uni.example`;
const randomIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('brute-force defence: per-account lockout', () => {
  let tdb: TestDatabase;
  let h: IdentityApp;
  const clock = testClock();

  before(async () => {
    tdb = await createTestDatabase();
    h = await identityApp(tdb.db, { clock });
    await createUser(h.auth, { email: 'bob@uni.example' });
  });
  after(async () => {
    await h.app.close();
    await tdb.drop();
  });

  test('5 failures lock the account (429 + Retry-After, even with the right password); expiry releases it', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await login(h.app, 'bob@uni.example', 'wrong password here')).status, 401);
    const locked = await login(h.app, 'bob@uni.example', PASSWORD);
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'TOO_MANY_ATTEMPTS');
    assert.equal(locked.headers['retry-after'], '60');
    clock.advance(61_000);
    assert.equal((await login(h.app, 'bob@uni.example', PASSWORD)).status, 200);
    // A success cleared the counter: four more failures do not lock.
    for (let i = 0; i < 4; i++) await login(h.app, 'bob@uni.example', 'wrong password here');
    assert.equal((await login(h.app, 'bob@uni.example', PASSWORD)).status, 200);
  });

  test('the lock doubles with each further failure', async () => {
    for (let i = 0; i < 5; i++) await login(h.app, 'bob@uni.example', 'wrong password here');
    clock.advance(61_000);
    assert.equal((await login(h.app, 'bob@uni.example', 'wrong password here')).status, 401);
    const again = await login(h.app, 'bob@uni.example', PASSWORD);
    assert.equal(again.status, 429);
    assert.equal(again.headers['retry-after'], '120');
    clock.advance(121_000);
    assert.equal((await login(h.app, 'bob@uni.example', PASSWORD)).status, 200);
  });

  test('unknown accounts lock out exactly like known ones (no enumeration through lockouts)', async () => {
    for (let i = 0; i < 5; i++) await login(h.app, 'ghost@uni.example', 'wrong password here');
    const r = await login(h.app, 'ghost@uni.example', PASSWORD);
    assert.equal(r.status, 429);
    assert.equal(r.body.error.code, 'TOO_MANY_ATTEMPTS');
    assert.equal(r.headers['retry-after'], '60');
  });
});

describe('brute-force defence: per-IP limits shared across replicas', () => {
  let tdb: TestDatabase;
  let redis: Redis | null = null;

  before(async () => {
    tdb = await createTestDatabase();
    const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      redis = client;
    } catch {
      client.disconnect();
    }
  });
  after(async () => {
    redis?.disconnect();
    await tdb.drop();
  });

  const limits = { ...authRateLimits(1000), login: { limit: 3, windowMs: 60_000 } };

  async function twoReplicasShareTheLimit(useRedis: boolean) {
    const clock = testClock();
    const a = await identityApp(tdb.db, { clock, rateLimits: limits, redis: useRedis ? redis : null });
    const b = await identityApp(tdb.db, { clock, rateLimits: limits, redis: useRedis ? redis : null });
    try {
      const ip = randomIp();
      const from = { remoteAddress: ip };
      assert.equal((await login(a.app, someone(), 'pw', from)).status, 401);
      assert.equal((await login(b.app, someone(), 'pw', from)).status, 401);
      assert.equal((await login(a.app, someone(), 'pw', from)).status, 401);
      const limited = await login(b.app, someone(), 'pw', from);
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error.code, 'RATE_LIMITED');
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.ok(b.log.lines.some((l) => String(l.msg).includes('rate limit exceeded') && l.reqId));
      // Another address is not affected.
      assert.equal((await login(a.app, someone(), 'pw', { remoteAddress: randomIp() })).status, 401);
      return { a, b };
    } finally {
      await a.app.close();
      await b.app.close();
    }
  }

  test('PostgreSQL counters: the limit holds across two app instances on one database', async () => {
    await twoReplicasShareTheLimit(false);
  });

  test('Redis counters: the limit holds across two app instances', async (t) => {
    if (!redis) return t.skip('no Redis at TEST_REDIS_URL / 127.0.0.1:6379');
    await twoReplicasShareTheLimit(true);
  });

  test('X-Forwarded-For is ignored unless ELECTRA_TRUST_PROXY trusts the peer', async () => {
    const untrusting = await identityApp(tdb.db, { rateLimits: limits });
    const trusting = await identityApp(tdb.db, {
      rateLimits: limits,
      env: { ELECTRA_TRUST_PROXY: '127.0.0.1' },
    });
    try {
      const peer = randomIp();
      // Forged X-Forwarded-For values do not give a client fresh buckets.
      for (let i = 0; i < 3; i++)
        await login(untrusting.app, someone(), 'pw', {
          remoteAddress: peer,
          headers: { 'x-forwarded-for': randomIp() },
        });
      const r = await login(untrusting.app, someone(), 'pw', {
        remoteAddress: peer,
        headers: { 'x-forwarded-for': randomIp() },
      });
      assert.equal(r.status, 429);
      // Behind a trusted proxy, the client address comes from the header.
      for (let i = 0; i < 4; i++) {
        const viaProxy = await login(trusting.app, someone(), 'pw', {
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': randomIp() },
        });
        assert.equal(viaProxy.status, 401);
      }
    } finally {
      await untrusting.app.close();
      await trusting.app.close();
    }
  });
});

/** /api/health/, /live and /ready through the real app, with the database faked up, down or behind. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { connectionRefused, FakeDatabase } from '../helpers/fake-database.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let db: FakeDatabase;
let maintenance = false;

before(async () => {
  db = new FakeDatabase();
  t = await buildTestApp({
    db,
    env: { RATE_LIMIT_NOT_FOUND_PER_MIN: '1' },
    readinessGates: [
      {
        name: 'maintenance',
        check: () => (maintenance ? { ok: false, reason: 'maintenance mode' } : { ok: true }),
      },
    ],
  });
});
after(() => t.app.close());
beforeEach(() => {
  db.failure = undefined;
  db.migrations = { current: 3, expected: 3, pending: [] };
  maintenance = false;
});

describe('GET /api/health/', () => {
  test('200 with the documented shape, with or without trailing slash, never cached', async () => {
    for (const url of ['/api/health/', '/api/health']) {
      const res = await t.app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['cache-control'], 'no-store');
      const body = res.json();
      assert.equal(body.status, 'ok');
      assert.equal(body.version, '9.9.9');
      assert.equal(typeof body.uptimeSeconds, 'number');
      assert.deepEqual(body.checks, {
        database: { status: 'ok', latencyMs: 0.42 },
        migrations: { status: 'ok', current: 3, expected: 3 },
      });
    }
  });

  test('503 naming the database check when the database is down', async () => {
    db.failure = connectionRefused();
    const res = await t.app.inject({ url: '/api/health/' });
    assert.equal(res.statusCode, 503);
    const body = res.json();
    assert.equal(body.status, 'error');
    assert.deepEqual(body.checks.database, {
      status: 'error',
      latencyMs: null,
      error: 'unreachable (ECONNREFUSED)',
    });
    assert.doesNotMatch(res.body, /10\.1\.2\.3/);
    // The full error is in the logs for the operator.
    assert.match(t.log.text(), /ECONNREFUSED 10\.1\.2\.3/);
  });

  test('503 naming the migrations check when migrations are behind', async () => {
    db.migrations = { current: 2, expected: 3, pending: ['0003_x'] };
    const res = await t.app.inject({ url: '/api/health/' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json().checks.migrations, {
      status: 'error',
      current: 2,
      expected: 3,
      error: '1 pending migration',
    });
    assert.equal(res.json().checks.database.status, 'ok');
  });

  test('health routes are never rate-limited', async () => {
    for (let i = 0; i < 20; i++)
      assert.equal((await t.app.inject({ url: '/api/health/live' })).statusCode, 200);
    for (let i = 0; i < 20; i++) assert.equal((await t.app.inject({ url: '/api/health/' })).statusCode, 200);
  });
});

describe('GET /api/health/live', () => {
  test('200 even when the database is down (a DB outage must not restart pods)', async () => {
    db.failure = connectionRefused();
    const res = await t.app.inject({ url: '/api/health/live' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
    assert.equal(res.headers['cache-control'], 'no-store');
  });
});

describe('GET /api/health/ready', () => {
  test('200 when every gate passes', async () => {
    const res = await t.app.inject({ url: '/api/health/ready' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      status: 'ok',
      checks: {
        shutdown: { status: 'ok' },
        database: { status: 'ok' },
        migrations: { status: 'ok' },
        maintenance: { status: 'ok' },
      },
    });
  });

  test('503 when the database is down, migrations behind, or a gate (maintenance) fails', async () => {
    db.failure = connectionRefused();
    assert.equal((await t.app.inject({ url: '/api/health/ready' })).statusCode, 503);
    db.failure = undefined;
    db.migrations = { current: 1, expected: 3, pending: [] };
    assert.equal((await t.app.inject({ url: '/api/health/ready' })).json().checks.migrations.status, 'error');
    db.migrations = { current: 3, expected: 3, pending: [] };
    maintenance = true;
    const res = await t.app.inject({ url: '/api/health/ready' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json().checks.maintenance, { status: 'error', error: 'maintenance mode' });
  });
});

describe('shutdown', () => {
  test('readiness turns 503 as soon as shutdown begins; liveness and health stay up', async () => {
    const app = await buildTestApp();
    try {
      assert.equal((await app.app.inject({ url: '/api/health/ready' })).statusCode, 200);
      app.app.lifecycle.beginShutdown();
      assert.equal(app.app.lifecycle.shuttingDown, true);
      const res = await app.app.inject({ url: '/api/health/ready' });
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json().checks.shutdown, { status: 'error', error: 'shutting down' });
      assert.equal((await app.app.inject({ url: '/api/health/live' })).statusCode, 200);
      assert.equal((await app.app.inject({ url: '/api/health/' })).statusCode, 200);
    } finally {
      await app.app.close();
    }
  });
});

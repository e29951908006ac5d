import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectionRefused, FakeDatabase } from '../../test/helpers/fake-database.js';
import { HealthMonitor } from './health.js';

function monitor(
  db = new FakeDatabase(),
  extra: Partial<ConstructorParameters<typeof HealthMonitor>[0]> = {},
) {
  let now = 1_000_000;
  const m = new HealthMonitor({ db, version: '1.2.3', clock: () => now, timeoutMs: 100, ...extra });
  return { m, db, advance: (ms: number) => (now += ms) };
}

describe('HealthMonitor.health', () => {
  test('ok with database latency, migration status, version and uptime', async () => {
    const { m, advance } = monitor();
    advance(61_500);
    assert.deepEqual(await m.health(), {
      status: 'ok',
      version: '1.2.3',
      uptimeSeconds: 61,
      checks: {
        database: { status: 'ok', latencyMs: 0.42 },
        migrations: { status: 'ok', current: 3, expected: 3 },
      },
    });
  });

  test('database down: error, the failing checks named, no host leaked', async () => {
    const { m, db } = monitor();
    db.failure = connectionRefused();
    const r = await m.health();
    assert.equal(r.status, 'error');
    assert.deepEqual(r.checks.database, {
      status: 'error',
      latencyMs: null,
      error: 'unreachable (ECONNREFUSED)',
    });
    assert.equal(r.checks.migrations.status, 'error');
    assert.doesNotMatch(JSON.stringify(r), /10\.1\.2\.3/);
  });

  test('migrations behind: error with the counts', async () => {
    const { m, db } = monitor();
    db.migrations = { current: 1, expected: 3, pending: ['0002_x', '0003_y'] };
    const r = await m.health();
    assert.equal(r.status, 'error');
    assert.equal(r.checks.database.status, 'ok');
    assert.deepEqual(r.checks.migrations, {
      status: 'error',
      current: 1,
      expected: 3,
      error: '2 pending migrations',
    });
  });

  test('database ahead of the code (rolling deployment) is ok', async () => {
    const { m, db } = monitor();
    db.migrations = { current: 5, expected: 3, pending: [] };
    assert.equal((await m.health()).status, 'ok');
  });

  test('a hung database times out instead of hanging the probe', async () => {
    const { m, db } = monitor();
    db.pingDelayMs = 1000;
    const started = Date.now();
    const r = await m.checkDatabase();
    assert.ok(Date.now() - started < 900);
    assert.deepEqual(r, { status: 'error', latencyMs: null, error: 'no answer within 100 ms' });
  });
});

describe('HealthMonitor.readiness', () => {
  test('ready when every gate passes', async () => {
    const { m } = monitor();
    assert.deepEqual(await m.readiness(), {
      status: 'ok',
      checks: { shutdown: { status: 'ok' }, database: { status: 'ok' }, migrations: { status: 'ok' } },
    });
  });

  test('not ready once shutdown begins', async () => {
    const { m } = monitor();
    m.beginShutdown();
    assert.equal(m.shuttingDown, true);
    const r = await m.readiness();
    assert.equal(r.status, 'error');
    assert.deepEqual(r.checks.shutdown, { status: 'error', error: 'shutting down' });
  });

  test('extra gates (e.g. maintenance) take part; a throwing gate fails', async () => {
    let maintenance = false;
    const { m } = monitor(undefined, {
      gates: [
        {
          name: 'maintenance',
          check: () => (maintenance ? { ok: false, reason: 'maintenance mode' } : { ok: true }),
        },
      ],
    });
    assert.equal((await m.readiness()).status, 'ok');
    maintenance = true;
    assert.deepEqual((await m.readiness()).checks.maintenance, {
      status: 'error',
      error: 'maintenance mode',
    });
    m.addGate({
      name: 'flaky',
      check: async () => {
        throw new Error('boom');
      },
    });
    assert.deepEqual((await m.readiness()).checks.flaky, { status: 'error', error: 'unreachable' });
    assert.throws(() => m.addGate({ name: 'flaky', check: () => ({ ok: true }) }));
  });

  test('database down or migrations pending: not ready', async () => {
    const { m, db } = monitor();
    db.migrations = { current: 2, expected: 3, pending: ['0003'] };
    assert.deepEqual((await m.readiness()).checks.migrations, {
      status: 'error',
      error: '1 pending migration',
    });
    db.failure = connectionRefused();
    assert.equal((await m.readiness()).checks.database?.status, 'error');
  });
});

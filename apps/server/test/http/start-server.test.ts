/**
 * startServer in-process on a real, fresh PostgreSQL database (embedded, or TEST_DATABASE_URL): the
 * real migration status in health, metrics on a separate port with a token, close() draining to 0,
 * and the start-up failures (bad configuration, unreachable database) that must fail loudly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../src/config/load-config.js';
import { type ServerHandle, startServer } from '../../src/main.js';
import { freePort } from '../../src/store/embedded-support.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const TOKEN = 'integration-metrics-token';
let tdb: TestDatabase;
let server: ServerHandle;
const log = captureLogger();

before(async () => {
  tdb = await createTestDatabase();
  server = await startServer({
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: tdb.url,
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      METRICS_TOKEN: TOKEN,
      DB_POOL_MAX: '3',
      ELECTRA_TYPO_VARIABLE: '1',
    },
    logger: log.logger,
    handleSignals: false,
    version: '7.7.7',
  });
});
after(async () => {
  await server?.close();
  await tdb?.drop();
});

describe('startServer on a real database', () => {
  test('health reports the real database and migration status', async () => {
    const res = await fetch(`${server.url}/api/health/`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      status: string;
      version: string;
      checks: {
        database: { status: string; latencyMs: number };
        migrations: { current: number; expected: number };
      };
    };
    assert.equal(body.status, 'ok');
    assert.equal(body.version, '7.7.7');
    assert.equal(body.checks.database.status, 'ok');
    assert.ok(body.checks.database.latencyMs >= 0);
    const status = await tdb.db.migrationStatus();
    assert.equal(body.checks.migrations.current, status.expected);
    assert.equal(body.checks.migrations.expected, status.expected);
    assert.equal((await fetch(`${server.url}/api/health/ready`)).status, 200);
  });

  test('metrics live on the separate port, behind the token; not on the API port', async () => {
    assert.ok(server.metricsUrl);
    assert.notEqual(server.metricsUrl, server.url);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
    assert.equal((await fetch(`${server.metricsUrl}/metrics`)).status, 401);
    const res = await fetch(`${server.metricsUrl}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^http_requests_total\{method="GET",route="\/api\/health\/",status="200"\} \d+$/m);
    assert.match(text, /^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    assert.match(text, /^electra_db_pool_max 3$/m);
    assert.match(text, /^electra_build_info\{version="7.7.7"/m);
    const other = await fetch(`${server.metricsUrl}/other`);
    assert.equal(other.status, 404);
    assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  });

  test('start-up logs: configuration without secrets, unknown ELECTRA_* variables, the URL', () => {
    const text = log.text();
    assert.ok(!text.includes(TOKEN), 'metrics token logged');
    assert.ok(!text.includes(new URL(tdb.url).password || '\u0000'), 'database password logged');
    assert.ok(log.lines.some((l) => l.variable === 'ELECTRA_TYPO_VARIABLE' && l.level === 'warn'));
    assert.ok(log.lines.some((l) => l.url === server.url && String(l.msg).startsWith('Electra listening')));
  });
});

describe('startServer failures', () => {
  test('an invalid configuration rejects with every problem, before touching the database', async () => {
    await assert.rejects(
      startServer({
        env: { PORT: 'x', NODE_ENV: 'production' },
        logger: captureLogger().logger,
        handleSignals: false,
      }),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 3,
    );
  });

  test('an unreachable database rejects instead of serving', async () => {
    const port = await freePort();
    const started = Date.now();
    await assert.rejects(
      startServer({
        env: { DATABASE_URL: `postgres://nobody:pw@127.0.0.1:${port}/none`, PORT: '0' },
        logger: captureLogger().logger,
        handleSignals: false,
      }),
      (e: NodeJS.ErrnoException) => /ECONNREFUSED/.test(`${e.code} ${e.message}`),
    );
    assert.ok(Date.now() - started < 15_000);
  });
});

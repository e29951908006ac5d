/** Server-level settings from the configuration: timeouts, trusted proxies, AppError statuses. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../src/http/app-error.js';
import { buildTestApp } from '../helpers/test-app.js';

describe('server options', () => {
  test('explicit timeouts from the configuration reach the HTTP server', async () => {
    const { app } = await buildTestApp({
      env: {
        REQUEST_TIMEOUT_MS: '20000',
        HEADERS_TIMEOUT_MS: '5000',
        KEEP_ALIVE_TIMEOUT_MS: '61000',
        CONNECTION_TIMEOUT_MS: '90000',
      },
    });
    try {
      assert.equal(app.server.requestTimeout, 20_000);
      assert.equal(app.server.headersTimeout, 5_000);
      assert.equal(app.server.keepAliveTimeout, 61_000);
      assert.equal(app.server.timeout, 90_000);
    } finally {
      await app.close();
    }
  });

  test('without trusted proxies, X-Forwarded-For is ignored (one 404 budget for the proxy address)', async () => {
    const { app } = await buildTestApp({ env: { RATE_LIMIT_NOT_FOUND_PER_MIN: '2' } });
    try {
      const statuses: number[] = [];
      for (const client of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        const res = await app.inject({
          url: '/x',
          remoteAddress: '10.0.0.2',
          headers: { 'x-forwarded-for': client },
        });
        statuses.push(res.statusCode);
      }
      assert.deepEqual(statuses, [404, 404, 429]);
    } finally {
      await app.close();
    }
  });

  test('with ELECTRA_TRUST_PROXY, each forwarded client has its own budget', async () => {
    for (const trust of ['1', '10.0.0.0/8', 'true']) {
      const { app } = await buildTestApp({
        env: { RATE_LIMIT_NOT_FOUND_PER_MIN: '2', ELECTRA_TRUST_PROXY: trust },
      });
      try {
        const statuses: number[] = [];
        for (const client of [
          '198.51.100.1',
          '198.51.100.2',
          '198.51.100.3',
          '198.51.100.1',
          '198.51.100.1',
        ]) {
          const res = await app.inject({
            url: '/x',
            remoteAddress: '10.0.0.2',
            headers: { 'x-forwarded-for': client },
          });
          statuses.push(res.statusCode);
        }
        assert.deepEqual(statuses, [404, 404, 404, 404, 429], trust);
      } finally {
        await app.close();
      }
    }
  });

  test('AppError statuses 401, 403, 409, 422, 503 are answered as thrown', async () => {
    const cases: [number, string][] = [
      [401, 'UNAUTHORIZED'],
      [403, 'FORBIDDEN'],
      [409, 'ELECTION_CLOSED'],
      [422, 'INVALID_PROOF'],
      [503, 'MAINTENANCE'],
    ];
    const { app, log } = await buildTestApp({
      setup(a) {
        for (const [status, code] of cases) {
          a.get(
            `/api/err/${status}`,
            { config: { policy: 'public' }, schema: { response: { 200: { type: 'object' } } } },
            async () => {
              throw new AppError(status, code, `message for ${code}`);
            },
          );
        }
      },
    });
    try {
      for (const [status, code] of cases) {
        const res = await app.inject({ url: `/api/err/${status}` });
        assert.equal(res.statusCode, status);
        assert.deepEqual(res.json().error, {
          code,
          message: `message for ${code}`,
          requestId: res.headers['x-request-id'],
        });
      }
      // A deliberate 503 is a warning, not an "unexpected error".
      assert.ok(log.lines.some((l) => l.errorCode === 'MAINTENANCE' && l.level === 'warn'));
      assert.ok(!log.lines.some((l) => String(l.msg).startsWith('unexpected error')));
    } finally {
      await app.close();
    }
  });
});

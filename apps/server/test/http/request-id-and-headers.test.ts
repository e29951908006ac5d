/** Request ids (accept, reject, echo, on every log line) and security/caching headers. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp({
    setup(app) {
      app.get(
        '/api/noisy',
        { config: { policy: 'public' }, schema: { response: { 200: { type: 'object' } } } },
        async (request) => {
          request.log.info('inside the handler');
          request.log.warn({ detail: 1 }, 'a warning');
          return {};
        },
      );
      app.get(
        '/api/cacheable',
        { config: { policy: 'public' }, schema: { response: { 200: { type: 'object' } } } },
        async (_req, reply) => reply.header('cache-control', 'public, max-age=60').send({}),
      );
    },
  });
});
after(() => t.app.close());

const UUID = /^[0-9a-f-]{36}$/;

describe('request ids', () => {
  test('an acceptable client id is echoed and used in logs', async () => {
    const res = await t.app.inject({ url: '/api/noisy', headers: { 'x-request-id': 'client-abc_123=' } });
    assert.equal(res.headers['x-request-id'], 'client-abc_123=');
    const lines = t.log.lines.filter((l) => l.reqId === 'client-abc_123=');
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['inside the handler', 'a warning', 'request completed'],
    );
  });

  test('an unacceptable client id is replaced, never echoed', async () => {
    for (const bad of ['x'.repeat(65), 'has spaces', '<script>', 'a;b']) {
      const res = await t.app.inject({ url: '/api/noisy', headers: { 'x-request-id': bad } });
      const id = String(res.headers['x-request-id']);
      assert.match(id, UUID);
      assert.doesNotMatch(t.log.text(), new RegExp(`"reqId":"${bad.replace(/[^\w]/g, '\\$&')}"`));
    }
  });

  test('every response, errors included, carries an id', async () => {
    for (const url of ['/api/health/live', '/no/such/route']) {
      const res = await t.app.inject({ url });
      assert.match(String(res.headers['x-request-id']), UUID, url);
    }
  });
});

describe('security and caching headers', () => {
  test('helmet headers with a strict CSP on API and error responses', async () => {
    for (const url of ['/api/health/live', '/no/such/route']) {
      const h = (await t.app.inject({ url })).headers;
      const csp = String(h['content-security-policy']);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ]) {
        assert.ok(csp.includes(directive), `${url}: ${directive} in ${csp}`);
      }
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(h['x-content-type-options'], 'nosniff');
      assert.equal(h['x-frame-options'], 'DENY');
      assert.equal(h['referrer-policy'], 'no-referrer');
      assert.equal(h['cross-origin-opener-policy'], 'same-origin');
      assert.equal(h['x-powered-by'], undefined);
    }
  });

  test('the CSP lets images (candidate photos) come from any https origin, and nothing else', async () => {
    const csp = String((await t.app.inject({ url: '/api/health/live' })).headers['content-security-policy']);
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values.join(' ')] as const;
      }),
    );
    assert.equal(directives.get('img-src'), "'self' data: https:");
    for (const [name, values] of directives) {
      if (name === 'img-src') continue;
      assert.doesNotMatch(values, /https:|\*/, `${name} stays same-origin: ${values}`);
    }
    for (const name of ['script-src', 'style-src', 'connect-src', 'worker-src', 'font-src'])
      assert.ok(directives.get(name)?.startsWith("'self'"), `${name} in ${csp}`);
  });

  test('HSTS only in production', async () => {
    assert.equal(
      (await t.app.inject({ url: '/api/health/live' })).headers['strict-transport-security'],
      undefined,
    );
    const prod = await buildTestApp({
      env: { NODE_ENV: 'production', DATABASE_URL: 'postgres://h/d', METRICS_PORT: '0' },
    });
    try {
      const h = (await prod.app.inject({ url: '/api/health/live' })).headers;
      assert.match(String(h['strict-transport-security']), /max-age=31536000; includeSubDomains/);
      assert.match(String(h['content-security-policy']), /upgrade-insecure-requests/);
    } finally {
      await prod.app.close();
    }
  });

  test('responses default to no-store; a route may choose caching', async () => {
    assert.equal((await t.app.inject({ url: '/api/noisy' })).headers['cache-control'], 'no-store');
    assert.equal((await t.app.inject({ url: '/nowhere' })).headers['cache-control'], 'no-store');
    assert.equal(
      (await t.app.inject({ url: '/api/cacheable' })).headers['cache-control'],
      'public, max-age=60',
    );
  });
});

describe('route registration rules', () => {
  test('a route without a response schema is refused at registration', async () => {
    await assert.rejects(
      buildTestApp({
        setup(app) {
          app.get('/api/unschemed', async () => ({}));
        },
      }),
      /no response schema/,
    );
  });

  test('test-only routes are refused in production', async () => {
    await assert.rejects(
      buildTestApp({
        env: { NODE_ENV: 'production', DATABASE_URL: 'postgres://h/d', METRICS_TOKEN: 'x'.repeat(20) },
        testRoutes: true,
      }),
      /test-only routes/,
    );
  });

  test('the OpenAPI document lists the routes and the error schema', async () => {
    const spec = (await t.app.inject({ url: '/api/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    assert.equal(spec.openapi, '3.1.0');
    for (const p of ['/api/health/', '/api/health/live', '/api/health/ready', '/metrics'])
      assert.ok(p in spec.paths, p);
    assert.ok('ErrorResponse' in spec.components.schemas);
    assert.ok(!('/api/_test/slow' in spec.paths));
  });
});

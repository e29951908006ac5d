/** /metrics through the real app: labels by route template and status, token, separate port. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp({
    setup(app) {
      app.get(
        '/api/elections/:id',
        {
          config: { policy: 'public' },
          schema: {
            params: { type: 'object', properties: { id: { type: 'string' } } },
            response: { 200: { type: 'object' } },
          },
        },
        async () => ({}),
      );
      app.post(
        '/api/elections',
        {
          config: { policy: 'public' },
          schema: {
            body: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } },
            response: { 201: { type: 'object' } },
          },
        },
        async (_r, reply) => reply.code(201).send({}),
      );
    },
  });
});
after(() => t.app.close());

function count(text: string, labels: string): number {
  const m = new RegExp(`^http_requests_total\\{${labels.replace(/[/]/g, '\\/')}\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe('GET /metrics', () => {
  test('counts requests by route template and status: 404 as 404, bad body as 400, never 500', async () => {
    await t.app.inject({ url: '/api/elections/e-123' });
    await t.app.inject({ url: '/api/elections/e-456?secret=1' });
    await t.app.inject({ url: '/no/such/thing' });
    await t.app.inject({ url: '/another/unknown/path' });
    await t.app.inject({
      method: 'POST',
      url: '/api/elections',
      headers: { 'content-type': 'application/json' },
      payload: '{bad',
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/elections',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    await t.app.inject({
      method: 'POST',
      url: '/api/elections',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });

    const res = await t.app.inject({ url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const text = res.body;
    assert.equal(count(text, 'method="GET",route="/api/elections/:id",status="200"'), 2);
    assert.equal(count(text, 'method="GET",route="unmatched",status="404"'), 2);
    assert.equal(count(text, 'method="POST",route="/api/elections",status="400"'), 2);
    assert.equal(count(text, 'method="POST",route="/api/elections",status="415"'), 1);
    assert.doesNotMatch(text, /status="5\d\d"/);
    assert.doesNotMatch(text, /e-123|e-456|no\/such|secret/);
    assert.match(
      text,
      /^http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/elections\/:id",status="200"\} \d+$/m,
    );
    assert.match(text, /^electra_build_info\{version="9.9.9",node="v\d+/m);
    assert.match(text, /^electra_db_pool_connections\{state="idle"\} 1$/m);
    assert.match(text, /^electra_db_pool_max 10$/m);
  });
});

describe('metrics protection', () => {
  test('with METRICS_TOKEN, /metrics needs the bearer token', async () => {
    const token = 'scrape-token-0123456789';
    const app = await buildTestApp({ env: { METRICS_TOKEN: token } });
    try {
      const anon = await app.app.inject({ url: '/metrics' });
      assert.equal(anon.statusCode, 401);
      assert.equal(anon.json().error.code, 'UNAUTHORIZED');
      assert.equal(anon.headers['www-authenticate'], 'Bearer realm="metrics"');
      const wrong = await app.app.inject({
        url: '/metrics',
        headers: { authorization: 'Bearer nope-nope-nope-nope' },
      });
      assert.equal(wrong.statusCode, 401);
      const ok = await app.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /http_requests_total\{method="GET",route="\/metrics",status="401"\} 2/);
      // The token never reaches the logs.
      assert.doesNotMatch(app.log.text(), new RegExp(token));
    } finally {
      await app.app.close();
    }
  });

  test('with METRICS_PORT, /metrics is not served on the API port', async () => {
    const app = await buildTestApp({ env: { METRICS_PORT: '9464' } });
    try {
      assert.equal((await app.app.inject({ url: '/metrics' })).statusCode, 404);
    } finally {
      await app.app.close();
    }
  });
});

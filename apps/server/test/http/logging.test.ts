/** One log line per request with the right fields, and secrets redacted from what handlers log. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await buildTestApp({
    setup(app) {
      app.post(
        '/api/login/:id',
        {
          config: { policy: 'public' },
          schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
        },
        async (request, reply) => {
          // What a careless handler might log: the whole headers object and the body.
          request.log.info({ headers: request.headers, body: request.body }, 'login attempt');
          reply.header('set-cookie', 'session=server-session-secret; HttpOnly');
          request.log.info({ res: { headers: reply.getHeaders() } }, 'login reply');
          return { ok: true };
        },
      );
    },
  });
});
after(() => t.app.close());

describe('request logs', () => {
  test('secrets in headers, cookies and bodies are redacted at any depth', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/login/u1?token=query-secret',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer header-secret',
        cookie: 'session=cookie-secret',
        'x-request-id': 'login-1',
      },
      payload: JSON.stringify({
        username: 'alice',
        password: 'body-password-secret',
        nested: {
          credential: 'cred-secret',
          deeper: { refreshToken: 'refresh-secret', passphrase: 'pp-secret' },
        },
        accessToken: 'access-secret',
        secret: 'plain-secret',
      }),
    });
    const text = t.log.text();
    for (const s of [
      'header-secret',
      'cookie-secret',
      'body-password-secret',
      'cred-secret',
      'refresh-secret',
      'pp-secret',
      'access-secret',
      'plain-secret',
      'server-session-secret',
      'query-secret',
    ]) {
      assert.ok(!text.includes(s), `${s} leaked into logs`);
    }
    assert.match(text, /"username":"alice"/);
    assert.match(text, /\[REDACTED\]/);
  });

  test('one completion line per request: method, route template, path without query, status, duration, reqId', async () => {
    const before = t.log.lines.length;
    await t.app.inject({
      method: 'POST',
      url: '/api/login/u2?token=abc',
      headers: { 'content-type': 'application/json', 'x-request-id': 'login-2' },
      payload: '{}',
    });
    const completions = t.log.lines.slice(before).filter((l) => l.msg === 'request completed');
    assert.equal(completions.length, 1);
    const line = completions[0]!;
    assert.equal(line.reqId, 'login-2');
    assert.equal(line.method, 'POST');
    assert.equal(line.route, '/api/login/:id');
    assert.equal(line.path, '/api/login/u2');
    assert.equal(line.status, 200);
    assert.equal(line.level, 'info');
    assert.equal(typeof line.durationMs, 'number');
    // Fastify's default "incoming request" lines are off.
    assert.equal(t.log.lines.slice(before).filter((l) => l.msg === 'incoming request').length, 0);
  });

  test('failed requests carry their error code on the completion line', async () => {
    await t.app.inject({ url: '/no/such', headers: { 'x-request-id': 'nf-1' } });
    const line = t.log.lines.find((l) => l.reqId === 'nf-1' && l.msg === 'request completed');
    assert.equal(line?.status, 404);
    assert.equal(line?.route, 'unmatched');
    assert.equal(line?.errorCode, 'NOT_FOUND');
  });
});

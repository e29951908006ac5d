/**
 * The error envelope {error:{code,message,requestId}} and status for every failure class, through the
 * real app (buildApp) with app.inject.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../../src/http/app-error.js';
import { appError, type ErrorCode } from '../../src/http/error-mapper.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;

before(async () => {
  t = await buildTestApp({
    env: { BODY_LIMIT_BYTES: '2048', RATE_LIMIT_NOT_FOUND_PER_MIN: '5' },
    setup(app) {
      app.post(
        '/api/things',
        {
          config: { policy: 'public' },
          schema: {
            body: {
              type: 'object',
              required: ['name', 'count'],
              additionalProperties: false,
              properties: { name: { type: 'string', minLength: 1 }, count: { type: 'integer', minimum: 0 } },
            },
            response: { 201: { type: 'object', properties: { name: { type: 'string' } } } },
          },
        },
        async (request, reply) => reply.code(201).send({ name: (request.body as { name: string }).name }),
      );
      app.get(
        '/api/conflict',
        { config: { policy: 'public' }, schema: { response: { 200: { type: 'object' } } } },
        async () => {
          throw new AppError(409, 'ALREADY_VOTED', 'This voter has already voted', {
            headers: { 'x-extra': 'yes' },
          });
        },
      );
      app.get(
        '/api/unmapped',
        { config: { policy: 'public' }, schema: { response: { 200: { type: 'object' } } } },
        async () => {
          throw appError('SOMETHING_NEW' as ErrorCode, 'The thing was refused');
        },
      );
      app.get(
        '/api/crash',
        { config: { policy: 'public' }, schema: { response: { 200: { type: 'object' } } } },
        async () => {
          throw new Error('database password is hunter2 (internal detail)');
        },
      );
      app.get(
        '/api/bad-response',
        {
          config: { policy: 'public' },
          schema: {
            response: { 200: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } },
          },
        },
        async () => ({ n: 'not a number' }),
      );
    },
  });
});
after(() => t.app.close());

function envelope(body: string) {
  const parsed = JSON.parse(body) as { error: { code: string; message: string; requestId: string } };
  assert.deepEqual(Object.keys(parsed), ['error']);
  assert.deepEqual(Object.keys(parsed.error).sort(), ['code', 'message', 'requestId']);
  return parsed.error;
}

const json = { 'content-type': 'application/json' };

describe('error envelope', () => {
  test('valid request passes', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/things',
      headers: json,
      payload: '{"name":"a","count":1}',
    });
    assert.equal(res.statusCode, 201);
  });

  test('malformed JSON → 400 INVALID_JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/things',
      headers: json,
      payload: '{"name":',
    });
    assert.equal(res.statusCode, 400);
    const e = envelope(res.body);
    assert.equal(e.code, 'INVALID_JSON');
    assert.equal(e.requestId, res.headers['x-request-id']);
  });

  test('schema violation → 400 VALIDATION_FAILED naming the field', async () => {
    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/api/things',
      headers: json,
      payload: '{"name":"a","count":"3"}',
    });
    assert.equal(wrongType.statusCode, 400, 'no coercion of JSON bodies');
    const e = envelope(wrongType.body);
    assert.equal(e.code, 'VALIDATION_FAILED');
    assert.match(e.message, /count/);
    const missing = envelope(
      (await t.app.inject({ method: 'POST', url: '/api/things', headers: json, payload: '{"count":1}' }))
        .body,
    );
    assert.match(missing.message, /name/);
  });

  test('unknown route → 404 NOT_FOUND, then 429 RATE_LIMITED past the limit', async () => {
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 7; i++) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/wp-admin/${i}.php`,
        remoteAddress: '203.0.113.7',
      });
      statuses.push(res.statusCode);
      last = res.body;
      if (res.statusCode === 429) assert.ok(Number(res.headers['retry-after']) >= 1);
    }
    assert.deepEqual(statuses, [404, 404, 404, 404, 404, 429, 429]);
    assert.equal(envelope(last).code, 'RATE_LIMITED');
    // Another client is not affected, and known routes are never limited.
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/nope', remoteAddress: '203.0.113.8' })).statusCode,
      404,
    );
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/api/health/live', remoteAddress: '203.0.113.7' }))
        .statusCode,
      200,
    );
    const nf = envelope(
      (await t.app.inject({ method: 'DELETE', url: '/x?token=abc', remoteAddress: '203.0.113.9' })).body,
    );
    assert.equal(nf.code, 'NOT_FOUND');
    assert.equal(nf.message, 'No route for DELETE /x');
  });

  test('unknown route with a malformed, oversized or unsupported body is still 404 (body never parsed)', async () => {
    for (const [ct, payload] of [
      ['application/json', '{bad'],
      ['application/json', 'x'.repeat(10_000)],
      ['text/plain', 'hello'],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/nothing-here',
        headers: { 'content-type': ct },
        payload,
        remoteAddress: '203.0.113.50',
      });
      assert.equal(res.statusCode, 404, `${ct} ${payload.slice(0, 10)}`);
      assert.equal(envelope(res.body).code, 'NOT_FOUND');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    }
  });

  test('body over BODY_LIMIT_BYTES → 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/things',
      headers: json,
      payload: JSON.stringify({ name: 'x'.repeat(4096), count: 1 }),
    });
    assert.equal(res.statusCode, 413);
    assert.equal(envelope(res.body).code, 'PAYLOAD_TOO_LARGE');
  });

  test('unsupported content type → 415 UNSUPPORTED_MEDIA_TYPE (text/plain included)', async () => {
    for (const ct of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/things',
        headers: { 'content-type': ct },
        payload: 'name=a',
      });
      assert.equal(res.statusCode, 415, ct);
      assert.equal(envelope(res.body).code, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  test('a thrown AppError keeps its status, code, message and headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/conflict' });
    assert.equal(res.statusCode, 409);
    const e = envelope(res.body);
    assert.equal(e.code, 'ALREADY_VOTED');
    assert.equal(e.message, 'This voter has already voted');
    assert.equal(res.headers['x-extra'], 'yes');
  });

  test('an unexpected error → generic 500, logged in full with stack and reqId', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/crash',
      headers: { 'x-request-id': 'crash-1' },
    });
    assert.equal(res.statusCode, 500);
    const e = envelope(res.body);
    assert.deepEqual(e, { code: 'INTERNAL_ERROR', message: 'Internal server error', requestId: 'crash-1' });
    assert.doesNotMatch(res.body, /hunter2/);
    const logged = t.log.lines.find((l) => l.reqId === 'crash-1' && l.level === 'error' && l.err);
    assert.ok(logged, 'error line with err');
    const err = logged.err as { message: string; stack: string };
    assert.match(err.message, /hunter2/);
    assert.match(err.stack, /errors\.test\.ts/);
  });

  test('a domain code missing from the error table → 422 with its code, logged as an error to fix', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/unmapped',
      headers: { 'x-request-id': 'unmapped-1' },
    });
    assert.equal(res.statusCode, 422);
    assert.deepEqual(envelope(res.body), {
      code: 'SOMETHING_NEW',
      message: 'The thing was refused',
      requestId: 'unmapped-1',
    });
    const logged = t.log.lines.find((l) => l.reqId === 'unmapped-1' && l.level === 'error');
    assert.ok(logged, 'error line');
    assert.equal(logged.errorCode, 'SOMETHING_NEW');
    assert.match(String(logged.msg), /no status in ERROR_CODE_STATUS/);
  });

  test('a response that violates its schema is a 500, not garbage', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/bad-response' });
    assert.equal(res.statusCode, 500);
    assert.equal(envelope(res.body).code, 'INTERNAL_ERROR');
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from './app-error.js';
import { appError, ERROR_CODE_STATUS, mapError } from './error-mapper.js';

describe('AppError', () => {
  test('keeps status, code, message and headers', () => {
    const e = new AppError(409, 'ALREADY_VOTED', 'You have already voted', {
      headers: { 'retry-after': '5' },
    });
    assert.equal(e.status, 409);
    assert.equal(e.code, 'ALREADY_VOTED');
    assert.equal(e.message, 'You have already voted');
    assert.deepEqual(e.headers, { 'retry-after': '5' });
    assert.ok(e instanceof Error);
  });

  test('misuse throws: non-error status or non UPPER_SNAKE code', () => {
    assert.throws(() => new AppError(200, 'OK', 'x'), RangeError);
    assert.throws(() => new AppError(600, 'X', 'x'), RangeError);
    assert.throws(() => new AppError(400, 'bad-code', 'x'), RangeError);
  });
});

describe('appError', () => {
  test('looks the status up by code', () => {
    const e = appError('RATE_LIMITED');
    assert.equal(e.status, 429);
    assert.equal(e.message, 'Too many requests');
    assert.equal(appError('CONFLICT', 'Duplicate').message, 'Duplicate');
  });
  test('unknown codes are misuse', () => {
    assert.throws(() => appError('NO_SUCH_CODE'), RangeError);
  });
  test('every code in the table has a valid status', () => {
    for (const [code, status] of Object.entries(ERROR_CODE_STATUS)) {
      assert.ok(status >= 400 && status <= 599, code);
      assert.equal(appError(code).status, status);
    }
  });
});

describe('mapError', () => {
  test('AppError is passed through', () => {
    const m = mapError(new AppError(422, 'BAD_PROOF', 'Proof does not verify'));
    assert.deepEqual(
      { status: m.status, code: m.code, message: m.message, internal: m.internal },
      { status: 422, code: 'BAD_PROOF', message: 'Proof does not verify', internal: false },
    );
  });

  test('Fastify errors get stable codes', () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }, 400, 'INVALID_JSON'],
      [{ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }, 400, 'INVALID_JSON'],
      [{ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 413, 'PAYLOAD_TOO_LARGE'],
      [{ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [{ code: 'FST_ERR_BAD_URL', statusCode: 400 }, 400, 'BAD_REQUEST'],
      [
        { code: 'FST_ERR_VALIDATION', statusCode: 400, message: 'body/x must be string', validation: [] },
        400,
        'VALIDATION_FAILED',
      ],
    ];
    for (const [err, status, code] of cases) {
      const m = mapError(Object.assign(new Error(String(err.message ?? 'm')), err));
      assert.equal(m.status, status, String(err.code));
      assert.equal(m.code, code, String(err.code));
      assert.equal(m.internal, false);
    }
    assert.equal(
      mapError(Object.assign(new Error('body/x must be string'), { validation: [] })).message,
      'body/x must be string',
    );
  });

  test('other 4xx errors keep their status but not their wording', () => {
    const m = mapError(Object.assign(new Error('db host 10.0.0.1 said no'), { statusCode: 403 }));
    assert.equal(m.status, 403);
    assert.equal(m.code, 'FORBIDDEN');
    assert.equal(m.message, 'Forbidden');
  });

  test('anything else is a generic internal error', () => {
    for (const e of [
      new Error('password=hunter2'),
      Object.assign(new Error('x'), { statusCode: 502 }),
      'a string',
      null,
      42,
    ]) {
      const m = mapError(e);
      assert.equal(m.status, 500);
      assert.equal(m.code, 'INTERNAL_ERROR');
      assert.equal(m.message, 'Internal server error');
      assert.equal(m.internal, true);
    }
  });
});

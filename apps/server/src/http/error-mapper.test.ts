import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CASTING_ERROR_STATUS } from '../domain/casting/casting-errors.js';
import { CEREMONY_ERROR_STATUS } from '../domain/ceremony/ceremony-codes.js';
import { ELECTION_ERROR_STATUS } from '../domain/elections/election-errors.js';
import { TALLY_ERROR_STATUS } from '../domain/tally/tally-errors.js';
import { AppError } from './app-error.js';
import {
  appError,
  ERROR_CODE_STATUS,
  type ErrorCode,
  enforce,
  mapError,
  mergeErrorSections,
  UnmappedCodeError,
} from './error-mapper.js';

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
  test('a code missing from the table is a refusal (422), flagged for the log, never a 500', () => {
    const e = appError('NO_SUCH_CODE' as ErrorCode, 'The request was refused');
    assert.ok(e instanceof UnmappedCodeError);
    const m = mapError(e);
    assert.deepEqual(
      { status: m.status, code: m.code, message: m.message, internal: m.internal, unmapped: m.unmapped },
      {
        status: 422,
        code: 'NO_SUCH_CODE',
        message: 'The request was refused',
        internal: false,
        unmapped: true,
      },
    );
    assert.equal(mapError(appError('CONFLICT')).unmapped, undefined);
  });
  test('headers are passed on', () => {
    assert.deepEqual(appError('RATE_LIMITED', 'Slow down', { headers: { 'retry-after': '3' } }).headers, {
      'retry-after': '3',
    });
  });
  test('every code in the table has a valid status', () => {
    for (const [code, status] of Object.entries(ERROR_CODE_STATUS)) {
      assert.ok(status >= 400 && status <= 599, code);
      assert.equal(appError(code as ErrorCode).status, status);
    }
  });
});

describe('one table', () => {
  test('every domain section is in it with its own status', () => {
    for (const section of [
      ELECTION_ERROR_STATUS,
      TALLY_ERROR_STATUS,
      CEREMONY_ERROR_STATUS,
      CASTING_ERROR_STATUS,
    ]) {
      for (const [code, status] of Object.entries(section)) {
        assert.equal(ERROR_CODE_STATUS[code as ErrorCode], status, code);
      }
    }
  });

  test('the statuses clients and docs rely on', () => {
    const expected: Partial<Record<ErrorCode, number>> = {
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      MFA_REQUIRED: 403,
      INVALID_ELECTION_STATE: 409,
      ELECTION_NOT_OPEN: 409,
      NOT_ELIGIBLE: 403,
      ALREADY_VOTED: 409,
      SELF_ROLE_CHANGE: 403,
      LAST_ADMIN: 409,
      ELECTION_NOT_FOUND: 404,
      USER_NOT_FOUND: 404,
      EMAIL_TAKEN: 409,
      IDENTIFIER_TAKEN: 409,
      CREDENTIAL_MODE_MISMATCH: 409,
      CREDENTIALS_IN_USE: 409,
      CREDENTIAL_INVALID: 422,
      CEREMONY_SIGNATURE_INVALID: 422,
      RESULTS_UNAVAILABLE: 409,
      PASSWORD_TOO_SHORT: 400,
      INVALID_CREDENTIALS: 401,
      TOO_MANY_ATTEMPTS: 429,
      MAINTENANCE: 503,
    };
    for (const [code, status] of Object.entries(expected)) {
      assert.equal(ERROR_CODE_STATUS[code as ErrorCode], status, code);
    }
  });

  test('one meaning, one code: the results code is RESULTS_UNAVAILABLE', () => {
    assert.equal((ERROR_CODE_STATUS as Record<string, number>).RESULTS_NOT_AVAILABLE, undefined);
  });

  test('a code with two different statuses in two sections does not load', () => {
    assert.deepEqual(mergeErrorSections({ a: { X: 404 }, b: { X: 404, Y: 409 } }), { X: 404, Y: 409 });
    assert.throws(() => mergeErrorSections({ a: { X: 404 }, b: { X: 409 } }), /X is 409 in the b section/);
  });

  test('enforce answers a refusal with its code and status, and passes when allowed', () => {
    enforce({ allowed: true });
    assert.throws(
      () => enforce({ allowed: false, code: 'LAST_ADMIN', reason: 'At least one admin must remain' }),
      (e: unknown) => e instanceof AppError && e.status === 409 && e.code === 'LAST_ADMIN',
    );
  });

  test('nothing but appError builds an AppError (no status decided outside the table)', () => {
    const src = fileURLToPath(new URL('..', import.meta.url));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(p);
      }
    };
    walk(src);
    const offenders = files
      .filter((f) => !f.endsWith(join('http', 'error-mapper.ts')))
      .filter((f) => /new AppError\(|extends AppError/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(src, f));
    assert.deepEqual(offenders, []);
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

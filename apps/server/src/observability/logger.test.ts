import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { captureLogger } from '../../test/helpers/capture-logger.js';
import { REDACT_DEPTH, SECRET_KEYS } from './logger.js';

describe('createLogger', () => {
  test('lines are JSON with service, version, textual level and ISO time', () => {
    const { logger, lines } = captureLogger();
    logger.warn({ a: 1 }, 'hello');
    assert.equal(lines.length, 1);
    const l = lines[0]!;
    assert.equal(l.service, 'electra');
    assert.equal(l.version, '9.9.9');
    assert.equal(l.level, 'warn');
    assert.equal(l.msg, 'hello');
    assert.match(String(l.time), /^\d{4}-\d\d-\d\dT/);
  });

  test('HTTP secrets are redacted', () => {
    const { logger, lines } = captureLogger();
    logger.info({
      req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1', accept: 'json' } },
      res: { headers: { 'set-cookie': 'sid=2' } },
    });
    const out = JSON.stringify(lines[0]);
    assert.doesNotMatch(out, /Bearer abc|sid=1|sid=2/);
    assert.match(out, /"accept":"json"/);
  });

  test('every secret key is redacted at every depth up to REDACT_DEPTH', () => {
    const { logger, lines } = captureLogger();
    for (const key of SECRET_KEYS) {
      for (let depth = 0; depth <= REDACT_DEPTH; depth++) {
        let obj: Record<string, unknown> = { [key]: `s3cr3t-${key}-${depth}`, keep: 'visible' };
        for (let i = 0; i < depth; i++) obj = { [`n${i}`]: obj };
        logger.info(obj, 'm');
      }
    }
    const out = lines.map((l) => JSON.stringify(l)).join('\n');
    assert.doesNotMatch(out, /s3cr3t-/);
    assert.equal(out.match(/"keep":"visible"/g)?.length, SECRET_KEYS.length * (REDACT_DEPTH + 1));
  });

  test('redaction copies: the logged object itself is left untouched', () => {
    const { logger, lines } = captureLogger();
    const body = { user: { email: 'a@b', password: 'pw-kept-in-caller' } };
    logger.info(body, 'm');
    assert.equal(body.user.password, 'pw-kept-in-caller');
    assert.doesNotMatch(JSON.stringify(lines[0]), /pw-kept-in-caller/);
    assert.match(JSON.stringify(lines[0]), /"email":"a@b"/);
  });

  test('secrets inside arrays of objects are redacted', () => {
    const { logger, lines } = captureLogger();
    logger.info({ users: [{ name: 'a', password: 'pw-in-array' }] });
    assert.doesNotMatch(JSON.stringify(lines[0]), /pw-in-array/);
  });

  test('child bindings (reqId) appear on every line of the child', () => {
    const { logger, lines } = captureLogger();
    const child = logger.child({ reqId: 'abc' });
    child.info('one');
    child.error({ err: new Error('boom') }, 'two');
    assert.deepEqual(
      lines.map((l) => l.reqId),
      ['abc', 'abc'],
    );
    assert.match(String((lines[1]!.err as { stack: string }).stack), /Error: boom/);
  });
});

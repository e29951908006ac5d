import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isAcceptableRequestId, requestIdFor } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  test('a short id of safe characters is kept', () => {
    assert.equal(requestIdFor({ headers: { 'x-request-id': 'abc-DEF_123=' } }), 'abc-DEF_123=');
    assert.equal(requestIdFor({ headers: { 'x-request-id': 'a'.repeat(64) } }), 'a'.repeat(64));
  });

  test('missing, too long, unsafe or repeated ids are replaced by a UUID', () => {
    for (const offered of [
      undefined,
      '',
      'a'.repeat(65),
      'has space',
      'new\nline',
      'quote"',
      'é',
      ['a', 'b'],
    ]) {
      const id = requestIdFor({ headers: { 'x-request-id': offered as string | undefined } });
      assert.match(id, UUID, JSON.stringify(offered));
    }
  });

  test('generated ids are unique', () => {
    const ids = new Set(Array.from({ length: 100 }, () => requestIdFor({ headers: {} })));
    assert.equal(ids.size, 100);
  });

  test('property: accepted ids are exactly ≤ 64 chars of [A-Za-z0-9_=-]', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        assert.equal(isAcceptableRequestId(s), /^[A-Za-z0-9_=-]{1,64}$/.test(s));
      }),
    );
  });
});

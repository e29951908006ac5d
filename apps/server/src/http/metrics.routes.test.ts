import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hasBearerToken } from './metrics.routes.js';

describe('hasBearerToken', () => {
  const token = 'correct-horse-battery-staple';
  test('accepts exactly the configured bearer token', () => {
    assert.equal(hasBearerToken({ headers: { authorization: `Bearer ${token}` } }, token), true);
    assert.equal(hasBearerToken({ headers: { authorization: `bearer ${token}` } }, token), true);
  });
  test('rejects missing, different, prefixed or non-bearer credentials', () => {
    for (const authorization of [
      undefined,
      '',
      `Bearer ${token}x`,
      `Bearer x${token}`,
      `Basic ${token}`,
      token,
      'Bearer',
    ]) {
      assert.equal(hasBearerToken({ headers: { authorization } }, token), false, String(authorization));
    }
  });
});

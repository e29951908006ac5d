import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createPasswordHasher } from './password-hasher.js';
import { checkPassword, shippedCommonPasswords } from './password-policy.js';

const code = (pw: string, ctx = {}) => {
  const r = checkPassword(pw, ctx);
  return r.ok ? 'OK' : r.code;
};

describe('password policy', () => {
  test('the shipped common-password list is loaded and modest', () => {
    const list = shippedCommonPasswords();
    assert.ok(list.size > 2000 && list.size < 20000, `size ${list.size}`);
    assert.ok(list.has('password') && list.has('qwertyuiop') && list.has('iloveyou'));
  });

  test('length bounds, counted in characters', () => {
    assert.equal(code('short-pass1'), 'PASSWORD_TOO_SHORT');
    assert.equal(code('x'.repeat(100) + 'Yz!'.repeat(60)), 'PASSWORD_TOO_LONG');
    assert.equal(code('ñandú-río-glaciar'), 'OK');
    assert.equal(code('日本語のパスワードです十二'), 'OK');
  });

  test('common passwords are refused, also when disguised', () => {
    for (const pw of [
      'password1234',
      'Password2024!',
      'P@ssw0rd2024!',
      'qwertyuiop123',
      '123456789012',
      'ILoveYou!!!!',
      'football1234',
      '1q2w3e4r5t6y',
    ])
      assert.equal(code(pw), 'PASSWORD_TOO_COMMON', pw);
  });

  test('too few distinct characters', () => {
    assert.equal(code('aaaaaaaaaaaaaaa'), 'PASSWORD_TOO_SIMPLE');
    assert.equal(code('abababababababab'), 'PASSWORD_TOO_SIMPLE');
  });

  test('must not contain the email local part or identifiers', () => {
    assert.equal(
      code('my-ada.lovelace-secret', { email: 'Ada.Lovelace@uni.example' }),
      'PASSWORD_CONTAINS_EMAIL',
    );
    assert.equal(
      code('horse-CSC/2021/001-x', { identifiers: ['csc/2021/001'] }),
      'PASSWORD_CONTAINS_IDENTIFIER',
    );
    assert.equal(code('correct horse battery staple', { email: 'ada@uni.example' }), 'OK');
  });
});

describe('password hasher', () => {
  test('argon2id with the OWASP parameters; verify, rehash detection, dummy verify', async () => {
    const h = createPasswordHasher();
    const phc = await h.hash('correct horse battery staple');
    assert.match(phc, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await h.verify(phc, 'correct horse battery staple'), true);
    assert.equal(await h.verify(phc, 'correct horse battery stapl'), false);
    assert.equal(await h.verify('not-a-hash', 'x'), false);
    assert.equal(h.needsRehash(phc), false);
    const weaker = createPasswordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 });
    assert.equal(h.needsRehash(await weaker.hash('x')), true);
    assert.equal(await h.dummyVerify('anything'), false);
  });
});

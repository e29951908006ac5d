import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lockDurationMs } from './login-throttle.js';
import { generateRecoveryCode } from './mfa-service.js';
import { generateResetCode } from './password-reset.js';
import { hashCode } from './random-code.js';
import { generateTotpSecret, matchTotp, totpCode } from './totp.js';

describe('TOTP', () => {
  test('RFC 6238 SHA-1 test vector (8 digits truncated to 6)', () => {
    // RFC 6238 Appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits) → 287082.
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    assert.equal(totpCode(secret, 59_000), '287082');
  });

  test('accepts ±1 step and returns the matched step', () => {
    const secret = generateTotpSecret();
    const t = Date.UTC(2026, 0, 1, 12, 0, 15);
    const step = Math.floor(t / 30_000);
    assert.equal(matchTotp(secret, totpCode(secret, t), t), step);
    assert.equal(matchTotp(secret, totpCode(secret, t - 30_000), t), step - 1);
    assert.equal(matchTotp(secret, totpCode(secret, t + 30_000), t), step + 1);
    assert.equal(matchTotp(secret, totpCode(secret, t - 60_000), t), null);
    assert.equal(matchTotp(secret, 'abcdef', t), null);
  });
});

describe('codes and lockout schedule', () => {
  test('recovery and reset codes: format, normalisation of typing', () => {
    const rc = generateRecoveryCode();
    assert.match(rc, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    assert.deepEqual(hashCode(rc.toLowerCase().replace('-', ' ')), hashCode(rc));
    assert.match(generateResetCode(), /^([0-9A-HJKMNP-TV-Z]{5}-){3}[0-9A-HJKMNP-TV-Z]{5}$/);
    assert.notEqual(generateResetCode(), generateResetCode());
  });

  test('5 failures lock 1 minute, doubling to at most 1 hour', () => {
    assert.deepEqual(
      [1, 4, 5, 6, 7, 10, 11, 40].map((n) => lockDurationMs(n)),
      [0, 0, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000],
    );
  });
});

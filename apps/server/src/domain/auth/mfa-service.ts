/**
 * Second factor: TOTP enrolment (secret + otpauth URI, then confirmation with a first code), sign-in
 * verification with replay refusal, 10 single-use recovery codes (shown once, stored as SHA-256 —
 * they carry 50 random bits each, so a slow hash adds nothing), and reset by an admin. The TOTP
 * secret is sealed with the key-encryption key, bound to the user id.
 */
import type { Queryable } from '../../store/database.js';
import type { Clock } from './clock.js';
import type { MfaRepository } from './mfa.repository.js';
import { hashCode, randomCode } from './random-code.js';
import type { SecretBox } from './secret-box.js';
import { generateTotpSecret, matchTotp, otpauthUri } from './totp.js';

export const RECOVERY_CODE_COUNT = 10;
/** 10 Crockford base32 characters (50 bits), shown as XXXXX-XXXXX. */
export function generateRecoveryCode(): string {
  return randomCode(10);
}

export type MfaVerifyResult = { ok: true; method: 'totp' | 'recovery_code' } | { ok: false; reason: string };

export interface MfaService {
  isEnrolled(userId: string, tx?: Queryable): Promise<boolean>;
  beginEnrollment(
    userId: string,
    accountName: string,
  ): Promise<{ ok: true; secret: string; otpauthUri: string } | { ok: false; code: 'MFA_ALREADY_ENROLLED' }>;
  confirmEnrollment(
    userId: string,
    code: string,
  ): Promise<
    { ok: true; recoveryCodes: string[] } | { ok: false; code: 'MFA_NOT_PENDING' | 'MFA_CODE_INVALID' }
  >;
  verify(userId: string, input: { code?: string; recoveryCode?: string }): Promise<MfaVerifyResult>;
  remainingRecoveryCodes(userId: string): Promise<number>;
  reset(userId: string, tx?: Queryable): Promise<boolean>;
}

export function createMfaService(opts: {
  repository: MfaRepository;
  box: SecretBox;
  clock: Clock;
  issuer: string;
}): MfaService {
  const repo = opts.repository;
  const ad = (userId: string) => `mfa:${userId}`;
  const secretOf = (userId: string, sealed: Buffer) => opts.box.open(sealed, ad(userId)).toString('utf8');

  return {
    async isEnrolled(userId, tx) {
      return (await repo.get(userId, tx))?.confirmed === true;
    },
    async beginEnrollment(userId, accountName) {
      const secret = generateTotpSecret();
      const saved = await repo.savePending(
        userId,
        opts.box.seal(Buffer.from(secret, 'utf8'), ad(userId)),
        opts.clock(),
      );
      if (!saved) return { ok: false, code: 'MFA_ALREADY_ENROLLED' };
      return { ok: true, secret, otpauthUri: otpauthUri(secret, accountName, opts.issuer) };
    },
    async confirmEnrollment(userId, code) {
      const rec = await repo.get(userId);
      if (!rec || rec.confirmed) return { ok: false, code: 'MFA_NOT_PENDING' };
      const now = opts.clock();
      const step = matchTotp(secretOf(userId, rec.secretSealed), code.trim(), now);
      if (step === null) return { ok: false, code: 'MFA_CODE_INVALID' };
      const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
      const ok = await repo.confirm(userId, step, recoveryCodes.map(hashCode), now);
      return ok ? { ok: true, recoveryCodes } : { ok: false, code: 'MFA_NOT_PENDING' };
    },
    async verify(userId, input) {
      const rec = await repo.get(userId);
      if (!rec?.confirmed) return { ok: false, reason: 'not_enrolled' };
      const now = opts.clock();
      if (input.recoveryCode) {
        const used = await repo.useRecoveryCode(userId, hashCode(input.recoveryCode), now);
        return used ? { ok: true, method: 'recovery_code' } : { ok: false, reason: 'recovery_code_invalid' };
      }
      if (!input.code) return { ok: false, reason: 'no_code' };
      const step = matchTotp(secretOf(userId, rec.secretSealed), input.code.trim(), now);
      if (step === null) return { ok: false, reason: 'totp_invalid' };
      if (!(await repo.useStep(userId, step))) return { ok: false, reason: 'totp_replayed' };
      return { ok: true, method: 'totp' };
    },
    remainingRecoveryCodes: (userId) => repo.remainingRecoveryCodes(userId),
    reset: (userId, tx) => repo.remove(userId, tx),
  };
}

/**
 * TOTP (RFC 6238) through otplib: SHA-1, 30-second steps, 6 digits — what every authenticator app
 * speaks — accepting the previous and next step for clock drift. `matchTotp` returns the absolute
 * step that matched, so the caller can refuse a second use of the same (or an older) step.
 */
import { authenticator } from 'otplib';

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;

export function generateTotpSecret(): string {
  // 20 bytes = 160 bits, the RFC 4226 recommendation, base32-encoded.
  return authenticator.generateSecret(20);
}

export function otpauthUri(secret: string, accountName: string, issuer: string): string {
  return authenticator.keyuri(accountName, issuer, secret);
}

function at(now: number) {
  return authenticator.clone({ step: TOTP_STEP_SECONDS, digits: TOTP_DIGITS, window: 1, epoch: now });
}

/** The code an authenticator app shows at `now` (tests, demo). */
export function totpCode(secret: string, now: number): string {
  return at(now).generate(secret);
}

/** The step number that `code` belongs to at `now` (±1 step), or null. */
export function matchTotp(secret: string, code: string, now: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = at(now).checkDelta(code, secret);
  if (delta === null) return null;
  return Math.floor(now / 1000 / TOTP_STEP_SECONDS) + delta;
}

/**
 * Short-lived signed tokens: the 15-minute access token, and two narrow tokens for the sign-in steps
 * in between (an MFA challenge and an MFA-enrolment-only session). All are EdDSA (Ed25519) JWTs with
 * a `kid`; each kind has its own audience so one can never be used as another. Verification accepts
 * only alg EdDSA and only keys from the key ring (the header can name a key, never supply one), so
 * `alg: none`, HS256-with-the-public-key, unknown kids, tampering and expiry all fail, each with its
 * own reason for the logs (the client only ever sees 401).
 */
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { ROLES, type Role } from '../../policies/types.js';
import type { Clock } from './clock.js';
import type { KeyRing } from './key-ring.js';

export type TokenKind = 'access' | 'mfa_challenge' | 'mfa_enrollment';

export const TOKEN_TTL_SECONDS: Record<TokenKind, number> = {
  access: 15 * 60,
  mfa_challenge: 5 * 60,
  mfa_enrollment: 15 * 60,
};

/** The longest any token lives: a retired key must keep verifying at least this long. */
export const MAX_TOKEN_TTL_MS = Math.max(...Object.values(TOKEN_TTL_SECONDS)) * 1000;

const AUDIENCE_SUFFIX: Record<TokenKind, string> = {
  access: 'access',
  mfa_challenge: 'mfa-challenge',
  mfa_enrollment: 'mfa-enrollment',
};

export type TokenRejection =
  | 'MALFORMED'
  | 'ALG_NOT_ALLOWED'
  | 'UNKNOWN_KID'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'CLAIMS_INVALID'
  | 'REVOKED';

export interface TokenClaims {
  kind: TokenKind;
  userId: string;
  roles: Role[];
  /** session id (access tokens only) */
  sessionId: string | null;
  mfa: boolean;
  issuedAt: number;
  expiresAt: number;
  jti: string;
}

export type TokenVerification = { ok: true; claims: TokenClaims } | { ok: false; reason: TokenRejection };

export interface TokenService {
  issue(
    kind: TokenKind,
    subject: { userId: string; roles: readonly Role[]; sessionId?: string | null; mfa: boolean },
  ): Promise<{ token: string; expiresIn: number }>;
  verify(token: string, kind: TokenKind): Promise<TokenVerification>;
}

export interface TokenServiceOptions {
  keyRing: KeyRing;
  clock: Clock;
  issuer: string;
  /** instant (ms) before which issued tokens are refused (revoke-all); cached by the caller */
  notBefore: () => Promise<number>;
  clockToleranceSeconds?: number;
}

const isRole = (r: unknown): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r);

export function createTokenService(opts: TokenServiceOptions): TokenService {
  const audience = (kind: TokenKind) => `${opts.issuer}:${AUDIENCE_SUFFIX[kind]}`;
  const tolerance = opts.clockToleranceSeconds ?? 5;

  return {
    async issue(kind, s) {
      const { kid, key } = await opts.keyRing.signer();
      const iat = Math.floor(opts.clock() / 1000);
      const ttl = TOKEN_TTL_SECONDS[kind];
      const jwt = new SignJWT({
        roles: [...s.roles],
        mfa: s.mfa,
        ...(kind === 'access' ? { sid: s.sessionId } : {}),
      })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
        .setSubject(s.userId)
        .setIssuer(opts.issuer)
        .setAudience(audience(kind))
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttl)
        .setJti(randomUUID());
      return { token: await jwt.sign(key), expiresIn: ttl };
    },

    async verify(token, kind) {
      let header: ReturnType<typeof decodeProtectedHeader>;
      try {
        header = decodeProtectedHeader(token);
      } catch {
        return { ok: false, reason: 'MALFORMED' };
      }
      if (header.alg !== 'EdDSA') return { ok: false, reason: 'ALG_NOT_ALLOWED' };
      if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 128)
        return { ok: false, reason: 'UNKNOWN_KID' };
      const key = await opts.keyRing.verificationKey(header.kid);
      if (!key) return { ok: false, reason: 'UNKNOWN_KID' };
      let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ['EdDSA'],
          issuer: opts.issuer,
          audience: audience(kind),
          requiredClaims: ['sub', 'iat', 'exp', 'jti'],
          currentDate: new Date(opts.clock()),
          clockTolerance: tolerance,
        }));
      } catch (e) {
        if (e instanceof errors.JWTExpired) return { ok: false, reason: 'EXPIRED' };
        if (e instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'BAD_SIGNATURE' };
        if (e instanceof errors.JOSEAlgNotAllowed) return { ok: false, reason: 'ALG_NOT_ALLOWED' };
        if (e instanceof errors.JWTClaimValidationFailed) return { ok: false, reason: 'CLAIMS_INVALID' };
        return { ok: false, reason: 'MALFORMED' };
      }
      const roles = payload.roles;
      const sid = payload.sid;
      if (
        !Array.isArray(roles) ||
        !roles.every(isRole) ||
        typeof payload.mfa !== 'boolean' ||
        (kind === 'access' && typeof sid !== 'string')
      )
        return { ok: false, reason: 'CLAIMS_INVALID' };
      const iat = payload.iat!;
      // `iat` has whole seconds: tokens from seconds before the revocation are refused here; access
      // tokens from the revocation's own second are caught by the session check (their session is
      // revoked with everything else).
      if (iat < Math.floor((await opts.notBefore()) / 1000)) return { ok: false, reason: 'REVOKED' };
      return {
        ok: true,
        claims: {
          kind,
          userId: payload.sub!,
          roles,
          sessionId: typeof sid === 'string' ? sid : null,
          mfa: payload.mfa,
          issuedAt: iat * 1000,
          expiresAt: payload.exp! * 1000,
          jti: payload.jti!,
        },
      };
    },
  };
}

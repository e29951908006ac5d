/**
 * Composition of the identity services from the database, the audit sink and a few settings, shared
 * by buildApp (HTTP), the CLI (keys:rotate, sessions:revoke-all) and the tests, so they all run the
 * same objects. Operational actions that span services (rotating keys, revoking everything) live here.
 */
import type { Redis } from 'ioredis';
import { type PolicyContext, policyContext } from '../../policies/policy-context.js';
import type { Role } from '../../policies/types.js';
import type { Database, Queryable } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import type { Mailer } from '../mail/mailer.js';
import { type Argon2Params, createPasswordHasher, OWASP_ARGON2ID } from '../users/password-hasher.js';
import { shippedCommonPasswords } from '../users/password-policy.js';
import { createPgUsersRepository } from '../users/users.pg-repository.js';
import { createAuthService } from './auth-service.js';
import { createAuthSweeper } from './auth-sweeper.js';
import { type Clock, systemClock } from './clock.js';
import { createKeyRing, generateSigningKey } from './key-ring.js';
import { createLoginThrottle, createPgLoginFailureRepository, type LockoutPolicy } from './login-throttle.js';
import { createPgMfaRepository } from './mfa.repository.js';
import { createMfaService } from './mfa-service.js';
import { createPasswordResetCodes, createPgPasswordResetRepository } from './password-reset.js';
import {
  createFallbackRateLimiter,
  createPgRateLimiter,
  createRedisRateLimiter,
  type RateLimiter,
} from './rate-limiter.js';
import { createSecretBox } from './secret-box.js';
import { createSessionService } from './session-service.js';
import { createPgSessionRepository } from './sessions.pg-repository.js';
import { createPgSigningKeyRepository } from './signing-keys.pg-repository.js';
import { createTokenService, MAX_TOKEN_TTL_MS } from './token-service.js';

export interface RateRule {
  limit: number;
  windowMs: number;
}

export const AUTH_RATE_LIMIT_NAMES = [
  'login',
  'mfa',
  'refresh',
  'password_change',
  'password_forgot',
  'password_reset',
] as const;
export type AuthRateLimitName = (typeof AUTH_RATE_LIMIT_NAMES)[number];
export type AuthRateLimits = Record<AuthRateLimitName, RateRule>;

/** Per-IP limits from one knob: sign-in attempts per minute (refresh gets 4×, reset mail ⅓). */
export function authRateLimits(perMinute: number): AuthRateLimits {
  const m = 60_000;
  return {
    login: { limit: perMinute, windowMs: m },
    mfa: { limit: perMinute, windowMs: m },
    refresh: { limit: perMinute * 4, windowMs: m },
    password_change: { limit: perMinute, windowMs: m },
    password_forgot: { limit: Math.max(1, Math.floor(perMinute / 3)), windowMs: m },
    password_reset: { limit: perMinute, windowMs: m },
  };
}

export interface AuthModuleOptions {
  db: Database;
  audit: AuditSink;
  mailer: Mailer;
  /** 32 bytes (ELECTRA_KEY_ENCRYPTION_KEY or the development key file) */
  keyEncryptionKey: Uint8Array;
  /**
   * ELECTRA_MFA_REQUIRED_ROLES: roles that must sign in with a second factor. The module turns it
   * into the app's one policy context (`policy`), which every route and domain policy check uses.
   */
  mfaRequiredRoles: readonly Role[];
  publicUrl: string;
  /** When set, per-IP counters live in Redis instead of PostgreSQL (which takes over if Redis fails). */
  redis?: Redis | null;
  /** Told when Redis fails and PostgreSQL counted instead. */
  onRateLimiterError?: (err: unknown) => void;
  clock?: Clock;
  issuer?: string;
  /** How long key, session and revocation lookups are cached (default 5 s). */
  cacheTtlMs?: number;
  rateLimits?: AuthRateLimits;
  lockoutPolicy?: LockoutPolicy;
  argon2?: Argon2Params;
}

export function createAuthModule(o: AuthModuleOptions) {
  const clock = o.clock ?? systemClock;
  // Load the common-password list now: a build that lost it fails at start, not at a password change.
  shippedCommonPasswords();
  const issuer = o.issuer ?? 'electra';
  const policy: PolicyContext = policyContext({ mfaRequiredRoles: o.mfaRequiredRoles });
  const box = createSecretBox(o.keyEncryptionKey);
  const users = createPgUsersRepository(o.db);
  const hasher = createPasswordHasher(o.argon2 ?? OWASP_ARGON2ID);
  const signingKeys = createPgSigningKeyRepository(o.db);
  const keyRing = createKeyRing({ repository: signingKeys, box, clock, cacheTtlMs: o.cacheTtlMs });
  const sessions = createSessionService({
    repository: createPgSessionRepository(o.db),
    clock,
    cacheTtlMs: o.cacheTtlMs,
  });
  const tokens = createTokenService({ keyRing, clock, issuer, notBefore: () => sessions.tokensNotBefore() });
  const throttle = createLoginThrottle({
    repository: createPgLoginFailureRepository(o.db),
    clock,
    policy: o.lockoutPolicy,
  });
  const mfa = createMfaService({ repository: createPgMfaRepository(o.db), box, clock, issuer: 'Electra' });
  const resetCodes = createPasswordResetCodes({ repository: createPgPasswordResetRepository(o.db), clock });
  const pgLimiter = createPgRateLimiter(o.db, clock);
  const rateLimiter: RateLimiter = o.redis
    ? createFallbackRateLimiter(createRedisRateLimiter(o.redis), pgLimiter, (err) =>
        o.onRateLimiterError?.(err),
      )
    : pgLimiter;
  const service = createAuthService({
    db: o.db,
    users,
    hasher,
    throttle,
    sessions,
    tokens,
    mfa,
    resetCodes,
    mailer: o.mailer,
    audit: o.audit,
    clock,
    mfaRequiredRoles: policy.mfaRequiredRoles,
    publicUrl: o.publicUrl,
  });

  const sweeper = createAuthSweeper(o.db, clock);

  return {
    clock,
    sweeper,
    users,
    hasher,
    keyRing,
    sessions,
    tokens,
    throttle,
    mfa,
    rateLimiter,
    rateLimits: o.rateLimits ?? authRateLimits(30),
    mailer: o.mailer,
    audit: o.audit,
    /** The policy context: sign-in demands MFA for these roles, and every authorization check counts them only with MFA. */
    policy,
    service,
    withTransaction: <T>(name: string, fn: (tx: Queryable) => Promise<T>) => o.db.transaction(name, fn),

    /** Make sure a signing key exists (first start); returns the signing kid. */
    async ensureSigningKey(): Promise<string> {
      return (await keyRing.signer()).kid;
    },

    /**
     * `electra keys:rotate`: a new key signs from now on; older keys keep verifying until every token
     * they signed has expired (plus the cache time of other replicas), so nobody is logged out. With
     * `revokeAll`, old keys stop verifying at once and every session and token is revoked.
     */
    async rotateSigningKeys(options: {
      revokeAll: boolean;
      actor: string;
    }): Promise<{ kid: string; revokedSessions: number }> {
      const now = clock();
      const key = await generateSigningKey(box);
      const grace = MAX_TOKEN_TTL_MS + (o.cacheTtlMs ?? 5000) + 60_000;
      const revokedSessions = await o.db.transaction('keys.rotate', async (tx) => {
        await signingKeys.rotate(key, now, options.revokeAll ? now : now + grace, tx);
        const n = options.revokeAll ? await sessions.revokeAll('keys_rotated_revoke_all', tx) : 0;
        await o.audit.append(
          {
            actor: options.actor,
            action: 'keys.rotated',
            target: `signing_key:${key.kid}`,
            details: { revokeAll: options.revokeAll, revokedSessions: n },
          },
          tx,
        );
        return n;
      });
      keyRing.invalidate();
      return { kid: key.kid, revokedSessions };
    },

    /** `electra sessions:revoke-all`: every refresh token and every access token issued so far stop working. */
    async revokeAllSessions(actor: string): Promise<number> {
      return o.db.transaction('sessions.revoke_all', async (tx) => {
        const n = await sessions.revokeAll('revoke_all', tx);
        await o.audit.append({ actor, action: 'sessions.revoked_all', details: { revokedSessions: n } }, tx);
        return n;
      });
    },
  };
}

export type AuthModule = ReturnType<typeof createAuthModule>;

/**
 * Sessions and rotating refresh tokens. A refresh token is 256 random bits, shown to the client once
 * and stored as its SHA-256. Every refresh spends the presented token and returns a new one in the
 * same session (family); presenting a spent token again means it was copied, so the whole family is
 * revoked and the event reported as `suspicious refresh token reuse` (OAuth 2.0 Security BCP §4.14).
 * Whether a session is still active, and the server-wide "not before" instant, are cached briefly so
 * the per-request check costs a database round trip only every few seconds per session.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../store/database.js';
import type { Clock } from './clock.js';
import type { SessionRepository } from './sessions.repository.js';

export const REFRESH_TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;
/** A session ends 30 days after sign-in however often it is refreshed. */
export const SESSION_MAX_MS = 30 * 24 * 3600 * 1000;

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export interface IssuedRefresh {
  sessionId: string;
  refreshToken: string;
  refreshExpiresAt: number;
}

export type RotateResult =
  | ({ ok: true; userId: string; mfa: boolean } & IssuedRefresh)
  | { ok: false; reason: 'unknown' | 'reused' | 'expired' | 'revoked'; sessionId?: string; userId?: string };

export interface SessionService {
  start(userId: string, mfa: boolean, tx?: Queryable): Promise<IssuedRefresh>;
  rotate(refreshToken: string): Promise<RotateResult>;
  /** Logout: revoke the family of this refresh token. Returns the revoked session's owner, if any. */
  revokeByRefreshToken(refreshToken: string): Promise<{ sessionId: string; userId: string } | null>;
  revokeSession(sessionId: string, reason: string): Promise<boolean>;
  revokeUserSessions(userId: string, reason: string, tx?: Queryable): Promise<number>;
  revokeAll(reason: string, tx?: Queryable): Promise<number>;
  isActive(sessionId: string): Promise<boolean>;
  tokensNotBefore(): Promise<number>;
}

export interface SessionServiceOptions {
  repository: SessionRepository;
  clock: Clock;
  refreshTtlMs?: number;
  sessionMaxMs?: number;
  /** How long "session active" and "not before" answers are reused (default 5 s). */
  cacheTtlMs?: number;
}

export function createSessionService(opts: SessionServiceOptions): SessionService {
  const repo = opts.repository;
  const refreshTtl = opts.refreshTtlMs ?? REFRESH_TOKEN_TTL_MS;
  const sessionMax = opts.sessionMaxMs ?? SESSION_MAX_MS;
  const cacheTtl = opts.cacheTtlMs ?? 5000;
  const active = new Map<string, { value: boolean; at: number }>();
  let notBefore: { value: number; at: number } | undefined;

  async function issue(sessionId: string, sessionExpiresAt: number, tx?: Queryable): Promise<IssuedRefresh> {
    const now = opts.clock();
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = Math.min(now + refreshTtl, sessionExpiresAt);
    await repo.insertRefreshToken(
      { tokenHash: hashRefreshToken(refreshToken), sessionId, issuedAt: now, expiresAt: refreshExpiresAt },
      tx,
    );
    return { sessionId, refreshToken, refreshExpiresAt };
  }

  const forget = (sessionId: string) => active.delete(sessionId);

  return {
    async start(userId, mfa, tx) {
      const now = opts.clock();
      const expiresAt = now + sessionMax;
      const sessionId = await repo.createSession({ userId, mfa, now, expiresAt }, tx);
      return issue(sessionId, expiresAt, tx);
    },
    async rotate(refreshToken) {
      const now = opts.clock();
      const hash = hashRefreshToken(refreshToken);
      const verdict = await repo.consumeRefreshToken(hash, now);
      if (verdict.status === 'unknown') return { ok: false, reason: 'unknown' };
      if (verdict.status !== 'ok') {
        if (verdict.status === 'reused') {
          await repo.revokeSession(verdict.sessionId, 'refresh_token_reuse', now);
          forget(verdict.sessionId);
        }
        return { ok: false, reason: verdict.status, sessionId: verdict.sessionId, userId: verdict.userId };
      }
      const issued = await issue(verdict.sessionId, verdict.sessionExpiresAt);
      return { ok: true, userId: verdict.userId, mfa: verdict.mfa, ...issued };
    },
    async revokeByRefreshToken(refreshToken) {
      const rec = await repo.findRefreshToken(hashRefreshToken(refreshToken));
      if (!rec) return null;
      await repo.revokeSession(rec.sessionId, 'logout', opts.clock());
      forget(rec.sessionId);
      return { sessionId: rec.sessionId, userId: rec.userId };
    },
    async revokeSession(sessionId, reason) {
      forget(sessionId);
      return repo.revokeSession(sessionId, reason, opts.clock());
    },
    async revokeUserSessions(userId, reason, tx) {
      active.clear();
      return repo.revokeUserSessions(userId, reason, opts.clock(), tx);
    },
    async revokeAll(reason, tx) {
      active.clear();
      notBefore = undefined;
      return repo.revokeAll(reason, opts.clock(), tx);
    },
    async isActive(sessionId) {
      const now = opts.clock();
      const hit = active.get(sessionId);
      if (hit && now - hit.at < cacheTtl && now >= hit.at) return hit.value;
      const value = await repo.isSessionActive(sessionId, now);
      if (active.size > 10_000) active.clear();
      active.set(sessionId, { value, at: now });
      return value;
    },
    async tokensNotBefore() {
      const now = opts.clock();
      if (notBefore && now - notBefore.at < cacheTtl && now >= notBefore.at) return notBefore.value;
      notBefore = { value: await repo.tokensNotBefore(), at: now };
      return notBefore.value;
    },
  };
}

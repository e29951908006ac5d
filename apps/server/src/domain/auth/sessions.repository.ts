/**
 * Storage of sessions (refresh-token families) and their refresh tokens (tables `auth_sessions`,
 * `refresh_tokens`, `auth_state`). Tokens are only ever stored as SHA-256 hashes.
 */
import type { Queryable } from '../../store/database.js';

export interface RefreshTokenRecord {
  sessionId: string;
  userId: string;
  mfa: boolean;
  expiresAt: number;
  usedAt: number | null;
  sessionExpiresAt: number;
  sessionRevokedAt: number | null;
}

export type RefreshVerdict =
  | { status: 'ok'; sessionId: string; userId: string; mfa: boolean; sessionExpiresAt: number }
  | { status: 'reused'; sessionId: string; userId: string }
  | { status: 'expired' | 'revoked'; sessionId: string; userId: string }
  | { status: 'unknown' };

/** The decision for a presented refresh token (pure, so both repositories share it). */
export function judgeRefreshToken(rec: RefreshTokenRecord | null, now: number): RefreshVerdict {
  if (!rec) return { status: 'unknown' };
  const base = { sessionId: rec.sessionId, userId: rec.userId };
  if (rec.sessionRevokedAt !== null) return { status: 'revoked', ...base };
  if (rec.usedAt !== null) return { status: 'reused', ...base };
  if (rec.expiresAt <= now || rec.sessionExpiresAt <= now) return { status: 'expired', ...base };
  return { status: 'ok', ...base, mfa: rec.mfa, sessionExpiresAt: rec.sessionExpiresAt };
}

export interface SessionRepository {
  createSession(
    s: { userId: string; mfa: boolean; now: number; expiresAt: number },
    tx?: Queryable,
  ): Promise<string>;
  insertRefreshToken(
    t: { tokenHash: Buffer; sessionId: string; issuedAt: number; expiresAt: number },
    tx?: Queryable,
  ): Promise<void>;
  /** Judge the token and, when it is good, mark it spent, atomically (one wins a race). */
  consumeRefreshToken(tokenHash: Buffer, now: number): Promise<RefreshVerdict>;
  /** Look a token up without spending it (logout). */
  findRefreshToken(tokenHash: Buffer): Promise<RefreshTokenRecord | null>;
  revokeSession(sessionId: string, reason: string, now: number, tx?: Queryable): Promise<boolean>;
  revokeUserSessions(userId: string, reason: string, now: number, tx?: Queryable): Promise<number>;
  /** Revoke every session and refuse every token issued before `now`. */
  revokeAll(reason: string, now: number, tx?: Queryable): Promise<number>;
  isSessionActive(sessionId: string, now: number): Promise<boolean>;
  /** Tokens with `iat` before this instant (ms) are refused. */
  tokensNotBefore(): Promise<number>;
}

/**
 * In-memory implementations of the signing-key and session repositories, with the same semantics as
 * the PostgreSQL ones. Used by unit tests of the token and session logic, where a database would only
 * slow things down; the pg implementations are covered by the HTTP integration tests.
 */
import { randomUUID } from 'node:crypto';
import { judgeRefreshToken, type RefreshTokenRecord, type SessionRepository } from './sessions.repository.js';
import type { NewSigningKey, SigningKeyRepository, StoredSigningKey } from './signing-keys.repository.js';

export function createMemorySigningKeyRepository(): SigningKeyRepository & { all: StoredSigningKey[] } {
  const all: StoredSigningKey[] = [];
  const add = (k: NewSigningKey, now: number) =>
    all.unshift({ ...k, createdAt: now, retiredAt: null, verifyUntil: null });
  return {
    all,
    async listUsable(now) {
      return all.filter((k) => k.verifyUntil === null || k.verifyUntil > now).map((k) => ({ ...k }));
    },
    async insertIfNoSigner(key, now) {
      if (all.some((k) => k.retiredAt === null)) return false;
      add(key, now);
      return true;
    },
    async rotate(key, now, oldVerifyUntil) {
      for (const k of all) {
        if (k.verifyUntil !== null && k.verifyUntil <= now) continue;
        k.retiredAt ??= now;
        k.verifyUntil = Math.min(k.verifyUntil ?? oldVerifyUntil, oldVerifyUntil);
      }
      add(key, now);
    },
  };
}

interface MemSession {
  userId: string;
  mfa: boolean;
  expiresAt: number;
  revokedAt: number | null;
}

export function createMemorySessionRepository(): SessionRepository {
  const sessions = new Map<string, MemSession>();
  const tokens = new Map<string, { sessionId: string; expiresAt: number; usedAt: number | null }>();
  let notBefore = 0;
  const find = (hash: Buffer): RefreshTokenRecord | null => {
    const t = tokens.get(hash.toString('hex'));
    const s = t && sessions.get(t.sessionId);
    if (!t || !s) return null;
    return {
      sessionId: t.sessionId,
      userId: s.userId,
      mfa: s.mfa,
      expiresAt: t.expiresAt,
      usedAt: t.usedAt,
      sessionExpiresAt: s.expiresAt,
      sessionRevokedAt: s.revokedAt,
    };
  };
  return {
    async createSession(s) {
      const id = randomUUID();
      sessions.set(id, { userId: s.userId, mfa: s.mfa, expiresAt: s.expiresAt, revokedAt: null });
      return id;
    },
    async insertRefreshToken(t) {
      tokens.set(t.tokenHash.toString('hex'), {
        sessionId: t.sessionId,
        expiresAt: t.expiresAt,
        usedAt: null,
      });
    },
    async consumeRefreshToken(hash, now) {
      const verdict = judgeRefreshToken(find(hash), now);
      if (verdict.status === 'ok') tokens.get(hash.toString('hex'))!.usedAt = now;
      return verdict;
    },
    async findRefreshToken(hash) {
      return find(hash);
    },
    async revokeSession(id, _reason, now) {
      const s = sessions.get(id);
      if (!s || s.revokedAt !== null) return false;
      s.revokedAt = now;
      return true;
    },
    async revokeUserSessions(userId, _reason, now) {
      let n = 0;
      for (const s of sessions.values())
        if (s.userId === userId && s.revokedAt === null) {
          s.revokedAt = now;
          n++;
        }
      return n;
    },
    async revokeAll(_reason, now) {
      let n = 0;
      for (const s of sessions.values())
        if (s.revokedAt === null) {
          s.revokedAt = now;
          n++;
        }
      notBefore = Math.max(notBefore, now);
      return n;
    },
    async isSessionActive(id, now) {
      const s = sessions.get(id);
      return !!s && s.revokedAt === null && s.expiresAt > now;
    },
    async tokensNotBefore() {
      return notBefore;
    },
  };
}

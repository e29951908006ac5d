/**
 * PostgreSQL implementation of SessionRepository. Spending a refresh token locks its row
 * (SELECT … FOR UPDATE) so two concurrent refreshes with one token cannot both succeed: the second
 * sees it spent and is treated as reuse.
 */
import type { Database, Queryable } from '../../store/database.js';
import { judgeRefreshToken, type RefreshTokenRecord, type SessionRepository } from './sessions.repository.js';

interface Row extends Record<string, unknown> {
  session_id: string;
  user_id: string;
  mfa: boolean;
  expires_at: Date;
  used_at: Date | null;
  session_expires_at: Date;
  session_revoked_at: Date | null;
}

const FIND = `
  SELECT rt.session_id, s.user_id, s.mfa, rt.expires_at, rt.used_at,
         s.expires_at AS session_expires_at, s.revoked_at AS session_revoked_at
    FROM refresh_tokens rt JOIN auth_sessions s ON s.id = rt.session_id
   WHERE rt.token_hash = $1`;

function toRecord(r: Row | undefined): RefreshTokenRecord | null {
  if (!r) return null;
  return {
    sessionId: r.session_id,
    userId: r.user_id,
    mfa: r.mfa,
    expiresAt: r.expires_at.getTime(),
    usedAt: r.used_at?.getTime() ?? null,
    sessionExpiresAt: r.session_expires_at.getTime(),
    sessionRevokedAt: r.session_revoked_at?.getTime() ?? null,
  };
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export function createPgSessionRepository(db: Database): SessionRepository {
  const q = (tx?: Queryable) => tx ?? db;
  return {
    async createSession(s, tx) {
      const { rows } = await q(tx).query<{ id: string }>(
        'auth_sessions.insert',
        'INSERT INTO auth_sessions (user_id, mfa, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id',
        [s.userId, s.mfa, new Date(s.now), new Date(s.expiresAt)],
      );
      return rows[0]!.id;
    },
    async insertRefreshToken(t, tx) {
      await q(tx).query(
        'refresh_tokens.insert',
        'INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)',
        [t.tokenHash, t.sessionId, new Date(t.issuedAt), new Date(t.expiresAt)],
      );
    },
    consumeRefreshToken(tokenHash, now) {
      return db.transaction('refresh_tokens.consume', async (tx) => {
        const { rows } = await tx.query<Row>('refresh_tokens.find_for_update', `${FIND} FOR UPDATE OF rt`, [
          tokenHash,
        ]);
        const verdict = judgeRefreshToken(toRecord(rows[0]), now);
        if (verdict.status === 'ok') {
          await tx.query(
            'refresh_tokens.spend',
            'UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1',
            [tokenHash, new Date(now)],
          );
        }
        return verdict;
      });
    },
    async findRefreshToken(tokenHash) {
      const { rows } = await db.query<Row>('refresh_tokens.find', FIND, [tokenHash]);
      return toRecord(rows[0]);
    },
    async revokeSession(sessionId, reason, now, tx) {
      if (!isUuid(sessionId)) return false;
      const { rowCount } = await q(tx).query(
        'auth_sessions.revoke',
        'UPDATE auth_sessions SET revoked_at = $3, revoke_reason = $2 WHERE id = $1 AND revoked_at IS NULL',
        [sessionId, reason, new Date(now)],
      );
      return rowCount > 0;
    },
    async revokeUserSessions(userId, reason, now, tx) {
      const { rowCount } = await q(tx).query(
        'auth_sessions.revoke_user',
        'UPDATE auth_sessions SET revoked_at = $3, revoke_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL',
        [userId, reason, new Date(now)],
      );
      return rowCount;
    },
    async revokeAll(reason, now, tx) {
      const run = async (t: Queryable) => {
        const { rowCount } = await t.query(
          'auth_sessions.revoke_all',
          'UPDATE auth_sessions SET revoked_at = $2, revoke_reason = $1 WHERE revoked_at IS NULL',
          [reason, new Date(now)],
        );
        await t.query(
          'auth_state.set_not_before',
          'UPDATE auth_state SET tokens_not_before = greatest(tokens_not_before, $1) WHERE id = 1',
          [new Date(now)],
        );
        return rowCount;
      };
      return tx ? run(tx) : db.transaction('auth_sessions.revoke_all', run);
    },
    async isSessionActive(sessionId, now) {
      if (!isUuid(sessionId)) return false;
      const { rows } = await db.query(
        'auth_sessions.is_active',
        'SELECT 1 FROM auth_sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2',
        [sessionId, new Date(now)],
      );
      return rows.length > 0;
    },
    async tokensNotBefore() {
      const { rows } = await db.query<{ t: Date }>(
        'auth_state.not_before',
        'SELECT tokens_not_before AS t FROM auth_state WHERE id = 1',
      );
      return rows[0]?.t.getTime() ?? 0;
    },
  };
}

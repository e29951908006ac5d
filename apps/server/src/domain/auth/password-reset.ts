/**
 * Password reset by emailed code (and link). The code is 100 random bits (20 Crockford base32
 * characters, typed as XXXXX-XXXXX-XXXXX-XXXXX), stored only as SHA-256, valid 15 minutes, single
 * use; every wrong code presented for an account counts against that account's live codes, and after
 * 5 wrong attempts they are void. A new request voids the previous codes. Requests for unknown or
 * disabled accounts do nothing, and the caller answers them exactly like the others.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Database, Queryable } from '../../store/database.js';
import type { Clock } from './clock.js';
import { hashCode, randomCode } from './random-code.js';

export const RESET_CODE_TTL_MS = 15 * 60_000;
export const RESET_MAX_ATTEMPTS = 5;
export function generateResetCode(): string {
  return randomCode(20);
}

export interface ResetCodeRecord {
  id: string;
  codeHash: Buffer;
}

export interface PasswordResetRepository {
  /** Void the user's live codes and store a new one. */
  replace(userId: string, codeHash: Buffer, now: number, expiresAt: number): Promise<void>;
  live(userId: string, now: number, maxAttempts: number): Promise<ResetCodeRecord[]>;
  countAttempt(userId: string, now: number): Promise<void>;
  /** Spend the code; false if it was spent, voided or expired meanwhile. */
  consume(id: string, now: number, maxAttempts: number, tx: Queryable): Promise<boolean>;
  latestCreatedAt(userId: string): Promise<number | null>;
}

export function createPgPasswordResetRepository(db: Database): PasswordResetRepository {
  return {
    async replace(userId, codeHash, now, expiresAt) {
      await db.transaction('password_reset.replace', async (tx) => {
        await tx.query(
          'password_reset.void',
          'UPDATE password_reset_codes SET consumed_at = $2 WHERE user_id = $1 AND consumed_at IS NULL',
          [userId, new Date(now)],
        );
        await tx.query(
          'password_reset.insert',
          'INSERT INTO password_reset_codes (user_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)',
          [userId, codeHash, new Date(now), new Date(expiresAt)],
        );
      });
    },
    async live(userId, now, maxAttempts) {
      const { rows } = await db.query<{ id: string; code_hash: Buffer }>(
        'password_reset.live',
        `SELECT id, code_hash FROM password_reset_codes
          WHERE user_id = $1 AND consumed_at IS NULL AND expires_at > $2 AND attempts < $3`,
        [userId, new Date(now), maxAttempts],
      );
      return rows.map((r) => ({ id: r.id, codeHash: r.code_hash }));
    },
    async countAttempt(userId, now) {
      await db.query(
        'password_reset.attempt',
        `UPDATE password_reset_codes SET attempts = attempts + 1
          WHERE user_id = $1 AND consumed_at IS NULL AND expires_at > $2`,
        [userId, new Date(now)],
      );
    },
    async consume(id, now, maxAttempts, tx) {
      const { rowCount } = await tx.query(
        'password_reset.consume',
        `UPDATE password_reset_codes SET consumed_at = $2
          WHERE id = $1 AND consumed_at IS NULL AND expires_at > $2 AND attempts < $3`,
        [id, new Date(now), maxAttempts],
      );
      return rowCount === 1;
    },
    async latestCreatedAt(userId) {
      const { rows } = await db.query<{ t: Date | null }>(
        'password_reset.latest',
        'SELECT max(created_at) AS t FROM password_reset_codes WHERE user_id = $1',
        [userId],
      );
      return rows[0]?.t?.getTime() ?? null;
    },
  };
}

export interface PasswordResetCodes {
  /** New code for the user (voiding older ones), or null when one was issued less than a minute ago. */
  issue(userId: string): Promise<string | null>;
  /** The id of the live code matching `code`, counting a miss as an attempt. */
  match(userId: string, code: string): Promise<string | null>;
  consume(id: string, tx: Queryable): Promise<boolean>;
}

export function createPasswordResetCodes(opts: {
  repository: PasswordResetRepository;
  clock: Clock;
  ttlMs?: number;
  maxAttempts?: number;
  /** minimum time between two codes for one account (mail-bombing guard) */
  minIntervalMs?: number;
}): PasswordResetCodes {
  const ttl = opts.ttlMs ?? RESET_CODE_TTL_MS;
  const max = opts.maxAttempts ?? RESET_MAX_ATTEMPTS;
  const interval = opts.minIntervalMs ?? 60_000;
  return {
    async issue(userId) {
      const now = opts.clock();
      const last = await opts.repository.latestCreatedAt(userId);
      if (last !== null && now - last < interval && now >= last) return null;
      const code = generateResetCode();
      await opts.repository.replace(userId, hashCode(code), now, now + ttl);
      return code;
    },
    async match(userId, code) {
      const now = opts.clock();
      const h = hashCode(code);
      const live = await opts.repository.live(userId, now, max);
      const hit = live.find((r) => timingSafeEqual(r.codeHash, h));
      if (hit) return hit.id;
      if (live.length > 0) await opts.repository.countAttempt(userId, now);
      return null;
    },
    consume: (id, tx) => opts.repository.consume(id, opts.clock(), max, tx),
  };
}

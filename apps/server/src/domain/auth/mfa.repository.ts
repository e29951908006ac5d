/**
 * Storage of TOTP enrolments and recovery codes (tables `user_mfa`, `mfa_recovery_codes`). Replay
 * protection and single use are enforced with conditional UPDATEs, so two replicas accepting the same
 * code at the same moment cannot both succeed.
 */
import type { Database, Queryable } from '../../store/database.js';

export interface MfaRecord {
  secretSealed: Buffer;
  confirmed: boolean;
  lastUsedStep: number | null;
}

export interface MfaRepository {
  get(userId: string, tx?: Queryable): Promise<MfaRecord | null>;
  /** Start (or restart) an unconfirmed enrolment. Refused (false) while a confirmed one exists. */
  savePending(userId: string, secretSealed: Buffer, now: number): Promise<boolean>;
  /** Confirm the pending enrolment at `step` and replace the recovery codes. False if none pending. */
  confirm(
    userId: string,
    step: number,
    recoveryHashes: Buffer[],
    now: number,
    tx?: Queryable,
  ): Promise<boolean>;
  /** Record `step` as used if it is newer than the last one; false means replay. */
  useStep(userId: string, step: number): Promise<boolean>;
  useRecoveryCode(userId: string, codeHash: Buffer, now: number): Promise<boolean>;
  remainingRecoveryCodes(userId: string): Promise<number>;
  remove(userId: string, tx?: Queryable): Promise<boolean>;
}

export function createPgMfaRepository(db: Database): MfaRepository {
  const q = (tx?: Queryable) => tx ?? db;
  return {
    async get(userId, tx) {
      const { rows } = await q(tx).query<{
        secret_enc: Buffer;
        confirmed_at: Date | null;
        last_used_step: string | null;
      }>('user_mfa.get', 'SELECT secret_enc, confirmed_at, last_used_step FROM user_mfa WHERE user_id = $1', [
        userId,
      ]);
      const r = rows[0];
      if (!r) return null;
      return {
        secretSealed: r.secret_enc,
        confirmed: r.confirmed_at !== null,
        lastUsedStep: r.last_used_step === null ? null : Number(r.last_used_step),
      };
    },
    async savePending(userId, secretSealed, now) {
      const { rowCount } = await db.query(
        'user_mfa.save_pending',
        `INSERT INTO user_mfa (user_id, secret_enc, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET secret_enc = $2, created_at = $3, last_used_step = NULL
           WHERE user_mfa.confirmed_at IS NULL`,
        [userId, secretSealed, new Date(now)],
      );
      return rowCount === 1;
    },
    async confirm(userId, step, recoveryHashes, now, tx) {
      const run = async (t: Queryable) => {
        const { rowCount } = await t.query(
          'user_mfa.confirm',
          `UPDATE user_mfa SET confirmed_at = $2, last_used_step = $3
            WHERE user_id = $1 AND confirmed_at IS NULL`,
          [userId, new Date(now), step],
        );
        if (rowCount !== 1) return false;
        await t.query('mfa_recovery.clear', 'DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
        for (const h of recoveryHashes)
          await t.query(
            'mfa_recovery.insert',
            'INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES ($1, $2)',
            [userId, h],
          );
        return true;
      };
      return tx ? run(tx) : db.transaction('user_mfa.confirm', run);
    },
    async useStep(userId, step) {
      const { rowCount } = await db.query(
        'user_mfa.use_step',
        `UPDATE user_mfa SET last_used_step = $2
          WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)`,
        [userId, step],
      );
      return rowCount === 1;
    },
    async useRecoveryCode(userId, codeHash, now) {
      const { rowCount } = await db.query(
        'mfa_recovery.use',
        `UPDATE mfa_recovery_codes SET used_at = $3
          WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
        [userId, codeHash, new Date(now)],
      );
      return rowCount === 1;
    },
    async remainingRecoveryCodes(userId) {
      const { rows } = await db.query<{ n: string }>(
        'mfa_recovery.remaining',
        'SELECT count(*) AS n FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL',
        [userId],
      );
      return Number(rows[0]!.n);
    },
    async remove(userId, tx) {
      await q(tx).query('mfa_recovery.clear', 'DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
      const { rowCount } = await q(tx).query('user_mfa.remove', 'DELETE FROM user_mfa WHERE user_id = $1', [
        userId,
      ]);
      return rowCount === 1;
    },
  };
}

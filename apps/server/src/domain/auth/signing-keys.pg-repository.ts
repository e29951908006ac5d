/**
 * PostgreSQL implementation of SigningKeyRepository. First-key creation takes a transaction-scoped
 * advisory lock so replicas starting together against an empty table agree on one key.
 */
import type { Database, Queryable } from '../../store/database.js';
import type { NewSigningKey, SigningKeyRepository, StoredSigningKey } from './signing-keys.repository.js';

/** Arbitrary constant identifying "create the first signing key" among advisory locks. */
const FIRST_KEY_LOCK = 0x656b6579; // 'ekey'

interface Row extends Record<string, unknown> {
  kid: string;
  public_jwk: Record<string, unknown>;
  private_key_enc: Buffer;
  created_at: Date;
  retired_at: Date | null;
  verify_until: Date | null;
}

export function createPgSigningKeyRepository(db: Database): SigningKeyRepository {
  return {
    async listUsable(now, tx) {
      const { rows } = await (tx ?? db).query<Row>(
        'signing_keys.list_usable',
        `SELECT kid, public_jwk, private_key_enc, created_at, retired_at, verify_until
           FROM signing_keys WHERE verify_until IS NULL OR verify_until > $1
          ORDER BY created_at DESC, kid`,
        [new Date(now)],
      );
      return rows.map(
        (r): StoredSigningKey => ({
          kid: r.kid,
          publicJwk: r.public_jwk,
          privateKeySealed: r.private_key_enc,
          createdAt: r.created_at.getTime(),
          retiredAt: r.retired_at?.getTime() ?? null,
          verifyUntil: r.verify_until?.getTime() ?? null,
        }),
      );
    },

    insertIfNoSigner(key, now) {
      return db.transaction('signing_keys.ensure', async (tx) => {
        await tx.query('signing_keys.lock', 'SELECT pg_advisory_xact_lock($1)', [FIRST_KEY_LOCK]);
        const { rowCount } = await tx.query(
          'signing_keys.insert_if_none',
          `INSERT INTO signing_keys (kid, public_jwk, private_key_enc, created_at)
           SELECT $1, $2, $3, $4
            WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE retired_at IS NULL)`,
          [key.kid, JSON.stringify(key.publicJwk), key.privateKeySealed, new Date(now)],
        );
        return rowCount === 1;
      });
    },

    async rotate(key: NewSigningKey, now, oldVerifyUntil, tx?: Queryable) {
      const run = async (t: Queryable) => {
        await t.query('signing_keys.lock', 'SELECT pg_advisory_xact_lock($1)', [FIRST_KEY_LOCK]);
        await t.query(
          'signing_keys.retire',
          `UPDATE signing_keys SET retired_at = coalesce(retired_at, $1),
                  verify_until = least(coalesce(verify_until, $2), $2)
            WHERE verify_until IS NULL OR verify_until > $1`,
          [new Date(now), new Date(oldVerifyUntil)],
        );
        await t.query(
          'signing_keys.insert',
          'INSERT INTO signing_keys (kid, public_jwk, private_key_enc, created_at) VALUES ($1, $2, $3, $4)',
          [key.kid, JSON.stringify(key.publicJwk), key.privateKeySealed, new Date(now)],
        );
      };
      if (tx) await run(tx);
      else await db.transaction('signing_keys.rotate', run);
    },
  };
}

/**
 * Storage of the access-token signing keys (table `signing_keys`). Kept in the database so every
 * replica signs and verifies with the same keys and a rotation done by the CLI on another machine
 * reaches all of them. Private keys are stored sealed (secret-box.ts); this layer never decrypts.
 */
import type { Queryable } from '../../store/database.js';

export interface StoredSigningKey {
  kid: string;
  publicJwk: Record<string, unknown>;
  privateKeySealed: Buffer;
  createdAt: number;
  /** when the key stopped signing (null: it is a current signer) */
  retiredAt: number | null;
  /** after this instant it neither verifies nor appears in the JWKS (null: no limit yet) */
  verifyUntil: number | null;
}

export interface NewSigningKey {
  kid: string;
  publicJwk: Record<string, unknown>;
  privateKeySealed: Buffer;
}

export interface SigningKeyRepository {
  /** Keys that still verify at `now`, newest first. */
  listUsable(now: number, tx?: Queryable): Promise<StoredSigningKey[]>;
  /**
   * Insert `key` only if no key currently signs (first start). Safe when several replicas start at
   * once: exactly one key wins. Returns true when this call inserted it.
   */
  insertIfNoSigner(key: NewSigningKey, now: number): Promise<boolean>;
  /**
   * Make `key` the signer. Previous signers retire at `now` and keep verifying until
   * `oldVerifyUntil` (pass `now` to drop them at once).
   */
  rotate(key: NewSigningKey, now: number, oldVerifyUntil: number, tx?: Queryable): Promise<void>;
}

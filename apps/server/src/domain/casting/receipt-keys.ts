/**
 * Ballot receipts (docs/protocol.md §13): the server signs {election, fingerprint, tracker, height,
 * castAt} with an Ed25519 key so a voter holds proof that the server accepted their ballot at that
 * board height; if the ballot later goes missing from the board, the receipt proves the server lied.
 * The key pair is created once (under an advisory lock, so replicas agree), its private half sealed
 * at rest with the key-encryption key; every key ever used stays published for old receipts.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { type ReceiptFields, receiptMessage } from '@electra/core';
import type { Database } from '../../store/database.js';
import type { SecretBox } from '../auth/secret-box.js';

/** pg_advisory_xact_lock key serializing receipt-key creation across replicas. */
const RECEIPT_KEY_LOCK = '7391042286518374402';

export interface PublishedReceiptKey {
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
  /** The raw 32-byte public key, base64url. */
  readonly publicKey: string;
  readonly createdAt: string;
}

export function publicKeyFromRaw(raw: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
}

/** Check a receipt signature (base64url) against a published raw public key (base64url). */
export function verifyReceipt(publicKey: string, fields: ReceiptFields, signature: string): boolean {
  try {
    return verify(
      null,
      receiptMessage(fields),
      publicKeyFromRaw(publicKey),
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return false;
  }
}

export interface SignedReceipt {
  readonly keyId: string;
  readonly signature: string;
}

export type ReceiptSigner = (fields: ReceiptFields) => SignedReceipt;

interface SigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

const associatedData = (keyId: string) => `receipt-key:${keyId}`;

export class ReceiptKeys {
  private signing?: Promise<SigningKey>;

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  /** Sign a receipt with the current key. */
  async sign(fields: ReceiptFields): Promise<SignedReceipt> {
    return (await this.signer())(fields);
  }

  /**
   * The current key as a synchronous signer. Callers that sign inside a transaction get it before
   * opening theirs: loading (or, the first time, creating) the key runs its own transaction, and
   * taking a second pooled connection while holding one deadlocks the pool once every connection is
   * held by a transaction waiting for the key — as a freshly started replica flooded with casts did.
   */
  async signer(): Promise<ReceiptSigner> {
    const key = await this.currentKey();
    return (fields) => ({
      keyId: key.keyId,
      signature: sign(null, receiptMessage(fields), key.privateKey).toString('base64url'),
    });
  }

  /** Every receipt key, newest first. */
  async published(): Promise<PublishedReceiptKey[]> {
    await this.currentKey();
    const { rows } = await this.db.query<{ key_id: string; public_key: Buffer; created_at: Date }>(
      'receipt_keys.list',
      'SELECT key_id, public_key, created_at FROM receipt_keys ORDER BY created_at DESC, key_id',
    );
    return rows.map((r) => ({
      keyId: r.key_id,
      algorithm: 'Ed25519' as const,
      publicKey: r.public_key.toString('base64url'),
      createdAt: r.created_at.toISOString(),
    }));
  }

  private currentKey(): Promise<SigningKey> {
    this.signing ??= this.loadOrCreate().catch((e: unknown) => {
      this.signing = undefined;
      throw e;
    });
    return this.signing;
  }

  private loadOrCreate(): Promise<SigningKey> {
    return this.db.transaction('receipt_keys.current', async (tx) => {
      await tx.query('receipt_keys.lock', 'SELECT pg_advisory_xact_lock($1::bigint)', [RECEIPT_KEY_LOCK]);
      const { rows } = await tx.query<{ key_id: string; sealed_private_key: Buffer }>(
        'receipt_keys.newest',
        'SELECT key_id, sealed_private_key FROM receipt_keys ORDER BY created_at DESC, key_id LIMIT 1',
      );
      const row = rows[0];
      if (row) {
        const der = this.box.open(row.sealed_private_key, associatedData(row.key_id));
        return {
          keyId: row.key_id,
          privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
        };
      }
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
      const keyId = createHash('sha256').update(raw).digest('base64url').slice(0, 16);
      const der = privateKey.export({ format: 'der', type: 'pkcs8' });
      await tx.query(
        'receipt_keys.insert',
        'INSERT INTO receipt_keys (key_id, public_key, sealed_private_key) VALUES ($1, $2, $3)',
        [keyId, raw, this.box.seal(der, associatedData(keyId))],
      );
      return { keyId, privateKey };
    });
  }
}

/**
 * Encryption at rest for the secrets Electra must be able to read back: access-token signing keys and
 * TOTP secrets. AES-256-GCM under the key-encryption key (ELECTRA_KEY_ENCRYPTION_KEY), a fresh 96-bit
 * nonce per message and associated data naming what the secret belongs to, so a ciphertext copied to
 * another row (another kid, another user) fails to decrypt. Layout: nonce(12) ‖ ciphertext ‖ tag(16).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const KEY_ENCRYPTION_KEY_BYTES = 32;

export interface SecretBox {
  seal(plaintext: Uint8Array, associatedData: string): Buffer;
  /** Throws when the key is wrong or the data was altered. */
  open(sealed: Uint8Array, associatedData: string): Buffer;
}

export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== KEY_ENCRYPTION_KEY_BYTES) throw new Error('key-encryption key must be 32 bytes');
  const k = Buffer.from(key);
  return {
    seal(plaintext, ad) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', k, nonce);
      cipher.setAAD(Buffer.from(ad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]);
    },
    open(sealed, ad) {
      const buf = Buffer.from(sealed);
      if (buf.length < 28) throw new Error('sealed secret too short');
      const decipher = createDecipheriv('aes-256-gcm', k, buf.subarray(0, 12));
      decipher.setAAD(Buffer.from(ad, 'utf8'));
      decipher.setAuthTag(buf.subarray(buf.length - 16));
      return Buffer.concat([decipher.update(buf.subarray(12, buf.length - 16)), decipher.final()]);
    },
  };
}

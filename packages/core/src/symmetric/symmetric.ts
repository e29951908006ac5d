/**
 * Symmetric primitives of the trustee ceremony (protocol §8.2, §8.3): XChaCha20-Poly1305 AEAD and
 * the argon2id password hash, behind a small backend interface so the core stays platform neutral.
 * libsodium provides them (loaded by `initCore`); nothing here imports a platform module.
 */

/** Raw AEAD and password-hash operations (libsodium's crypto_aead_xchacha20poly1305_ietf_* and crypto_pwhash). */
export interface SymmetricBackend {
  readonly name: string;
  /** XChaCha20-Poly1305 (IETF): 32-byte key, 24-byte nonce; returns ciphertext ‖ 16-byte tag. */
  aeadEncrypt(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Returns the plaintext, or null when authentication fails. */
  aeadDecrypt(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
  /** argon2id v1.3 with libsodium's parameters (opslimit = passes, memlimit in bytes, one lane). */
  argon2id(
    outLength: number,
    password: Uint8Array,
    salt: Uint8Array,
    opslimit: number,
    memlimit: number,
  ): Uint8Array;
}

export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 24;
export const AEAD_TAG_BYTES = 16;
export const ARGON2_SALT_BYTES = 16;
/** Accepted argon2id parameters (libsodium's limits, capped so a hostile file cannot exhaust memory). */
export const ARGON2_LIMITS = {
  opsMin: 1,
  opsMax: 16,
  memMin: 8192,
  memMax: 1024 * 1024 * 1024,
} as const;

let backend: SymmetricBackend | undefined;

/** Install the symmetric backend (done once by `initCore`). */
export function setSymmetricBackend(b: SymmetricBackend): void {
  backend = b;
}

export function symmetricBackend(): SymmetricBackend {
  if (!backend) throw new Error('@electra/core: call `await initCore()` before using symmetric crypto');
  return backend;
}

function checkKeyNonce(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== AEAD_KEY_BYTES) throw new RangeError('aead: key must be 32 bytes');
  if (nonce.length !== AEAD_NONCE_BYTES) throw new RangeError('aead: nonce must be 24 bytes');
}

export function aeadEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  ad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  checkKeyNonce(key, nonce);
  return symmetricBackend().aeadEncrypt(key, nonce, ad, plaintext);
}

/** Authenticated decryption; null on any authentication failure (never throws for bad input bytes). */
export function aeadDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  ad: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array | null {
  checkKeyNonce(key, nonce);
  if (ciphertext.length < AEAD_TAG_BYTES) return null;
  return symmetricBackend().aeadDecrypt(key, nonce, ad, ciphertext);
}

/** argon2id; parameters outside ARGON2_LIMITS are misuse (decoders check them first). */
export function argon2id(
  outLength: number,
  password: Uint8Array,
  salt: Uint8Array,
  opslimit: number,
  memlimit: number,
): Uint8Array {
  if (salt.length !== ARGON2_SALT_BYTES) throw new RangeError('argon2id: salt must be 16 bytes');
  if (
    !Number.isSafeInteger(opslimit) ||
    !Number.isSafeInteger(memlimit) ||
    opslimit < ARGON2_LIMITS.opsMin ||
    opslimit > ARGON2_LIMITS.opsMax ||
    memlimit < ARGON2_LIMITS.memMin ||
    memlimit > ARGON2_LIMITS.memMax
  ) {
    throw new RangeError('argon2id: parameters out of range');
  }
  return symmetricBackend().argon2id(outLength, password, salt, opslimit, memlimit);
}

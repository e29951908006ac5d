/**
 * Encryption of a DKG share to its recipient (protocol §8.2): an ephemeral ristretto255
 * Diffie–Hellman with the recipient's encryption key, a SHA-512 key derivation bound to the
 * ceremony, sender, recipient and both public keys, then XChaCha20-Poly1305 whose associated data
 * names sender, recipient and ceremony. The DH secret K of one share can be disclosed with a DLEQ
 * proof (a complaint, §8.2.3) so third parties can decrypt exactly that share and nothing else.
 */
import { toBase64Url } from '../group/bytes.js';
import { baseMul, type Point, randomScalar, Scalar } from '../group/group.js';
import { encodeStatement, sha512 } from '../group/hash.js';
import type { RandomSource } from '../rng.js';
import { AEAD_NONCE_BYTES, aeadDecrypt, aeadEncrypt } from '../symmetric/symmetric.js';
import { TAGS } from '../tags.js';
import { decodeBytes, decodePoint } from './ceremony.js';
import type { EncryptedShare } from './types.js';

/** k = SHA-512(enc(share-kdf; c, i, j, R, E_j, K))[0..32]. */
export function shareKey(
  ctx: Uint8Array,
  dealer: number,
  recipient: number,
  ephemeral: Point,
  recipientKey: Point,
  shared: Point,
): Uint8Array {
  return sha512(
    encodeStatement(TAGS.shareKdf, [ctx, dealer, recipient, ephemeral, recipientKey, shared]),
  ).slice(0, 32);
}

/** ad = enc(share-ad; c, i, j, R). */
export function shareAd(ctx: Uint8Array, dealer: number, recipient: number, ephemeral: Point): Uint8Array {
  return encodeStatement(TAGS.shareAd, [ctx, dealer, recipient, ephemeral]);
}

export function encryptShare(
  ctx: Uint8Array,
  dealer: number,
  recipient: number,
  recipientKey: Point,
  share: Scalar,
  random: RandomSource,
): EncryptedShare {
  const r = randomScalar(random);
  const R = baseMul(r);
  const K = recipientKey.mul(r);
  const nonce = random(AEAD_NONCE_BYTES);
  const key = shareKey(ctx, dealer, recipient, R, recipientKey, K);
  const ciphertext = aeadEncrypt(key, nonce, shareAd(ctx, dealer, recipient, R), share.bytes);
  return {
    recipient,
    ephemeral: R.toBase64Url(),
    nonce: toBase64Url(nonce),
    ciphertext: toBase64Url(ciphertext),
  };
}

export type ShareOpening =
  | { readonly ok: true; readonly share: Scalar }
  | { readonly ok: false; readonly code: 'SHARE_DECRYPT_FAILED' | 'SHARE_INVALID' };

/**
 * Decrypt with the DH secret K (computed by the recipient as e_j·R, or disclosed in a complaint).
 * Throws MalformedError/DecodeError on a structurally malformed share.
 */
export function openShareWithSecret(
  ctx: Uint8Array,
  dealer: number,
  recipient: number,
  recipientKey: Point,
  enc: EncryptedShare,
  shared: Point,
): ShareOpening {
  const R = decodePoint(enc.ephemeral, 'share.ephemeral');
  const nonce = decodeBytes(enc.nonce, AEAD_NONCE_BYTES, 'share.nonce');
  const ct = decodeBytes(enc.ciphertext, undefined, 'share.ciphertext');
  const key = shareKey(ctx, dealer, recipient, R, recipientKey, shared);
  const plain = aeadDecrypt(key, nonce, shareAd(ctx, dealer, recipient, R), ct);
  if (plain === null) return { ok: false, code: 'SHARE_DECRYPT_FAILED' };
  try {
    return { ok: true, share: Scalar.decode(plain) };
  } catch {
    return { ok: false, code: 'SHARE_INVALID' };
  }
}

/** The recipient's side: K = e_j·R. */
export function sharedSecretFor(encryptionKey: Scalar, enc: EncryptedShare): Point {
  return decodePoint(enc.ephemeral, 'share.ephemeral').mul(encryptionKey);
}

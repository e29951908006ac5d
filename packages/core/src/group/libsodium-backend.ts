/** The default group backend: libsodium (WebAssembly), 6–9× faster than pure JS on Node 20 (ARCHITECTURE §3). */
import sodium from 'libsodium-wrappers-sumo';
import type { GroupBackend } from './group.js';

export async function loadLibsodiumBackend(): Promise<GroupBackend> {
  await sodium.ready;
  return {
    name: 'libsodium',
    isValidPoint: (p) => sodium.crypto_core_ristretto255_is_valid_point(p),
    add: (p, q) => sodium.crypto_core_ristretto255_add(p, q),
    sub: (p, q) => sodium.crypto_core_ristretto255_sub(p, q),
    mulBase: (k) => sodium.crypto_scalarmult_ristretto255_base(k),
    mul: (p, k) => sodium.crypto_scalarmult_ristretto255(k, p),
    scalarAdd: (a, b) => sodium.crypto_core_ristretto255_scalar_add(a, b),
    scalarSub: (a, b) => sodium.crypto_core_ristretto255_scalar_sub(a, b),
    scalarMul: (a, b) => sodium.crypto_core_ristretto255_scalar_mul(a, b),
    scalarNegate: (a) => sodium.crypto_core_ristretto255_scalar_negate(a),
    scalarInvert: (a) => sodium.crypto_core_ristretto255_scalar_invert(a),
    scalarReduce64: (w) => sodium.crypto_core_ristretto255_scalar_reduce(w),
    sha512: (d) => sodium.crypto_hash_sha512(d),
    sha256: (d) => sodium.crypto_hash_sha256(d),
  };
}

/**
 * Partial decryptions (protocol §8.4) computed and verified in slices, yielding to the event loop
 * between slices: a tally has up to 50 × 100 ciphertexts and each factor costs a Chaum–Pedersen proof,
 * so one synchronous call could hold the server for seconds. Slicing is exact: every factor's proof
 * binds only the fingerprint, the trustee index and its own ciphertext, so the factors of the slices,
 * concatenated, are the factors of the whole, and a slice's verdict is the whole's at that position.
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import {
  type Ciphertext,
  computePartialDecryption,
  type DecodedThresholdKey,
  type PartialDecryption,
  type PartialDecryptionCheck,
  type Point,
  type RandomSource,
  type SingleTrusteeSecrets,
  verifyPartialDecryption,
} from '@electra/core';

const SLICE = 64;

/** T_0's (or any finalized trustee's) partial decryption of `ciphertexts`, in slices. */
export async function partialDecryptionInSlices(
  fingerprint: Uint8Array,
  secrets: SingleTrusteeSecrets,
  ciphertexts: readonly Ciphertext[],
  random: RandomSource,
): Promise<PartialDecryption> {
  const factors: PartialDecryption['factors'][number][] = [];
  for (let k = 0; k < ciphertexts.length; k += SLICE) {
    const part = computePartialDecryption(
      fingerprint,
      secrets.index,
      secrets.share,
      ciphertexts.slice(k, k + SLICE),
      random,
    );
    factors.push(...part.factors);
    if (k + SLICE < ciphertexts.length) await nextTick();
  }
  return { v: 1, trustee: secrets.index, factors };
}

/** verifyPartialDecryption over slices; failure positions refer to the whole list. */
export async function verifyPartialInSlices(
  fingerprint: Uint8Array,
  key: DecodedThresholdKey,
  ciphertexts: readonly Ciphertext[],
  partial: unknown,
): Promise<PartialDecryptionCheck> {
  const p = partial as { factors?: unknown } | null;
  if (!p || typeof p !== 'object' || !Array.isArray(p.factors) || p.factors.length !== ciphertexts.length) {
    return verifyPartialDecryption(fingerprint, key, ciphertexts, partial);
  }
  const factors: Point[] = [];
  let trustee = -1;
  for (let k = 0; k < ciphertexts.length || k === 0; k += SLICE) {
    const slice = { ...(partial as object), factors: p.factors.slice(k, k + SLICE) };
    const r = verifyPartialDecryption(fingerprint, key, ciphertexts.slice(k, k + SLICE), slice);
    if (!r.ok) return r.position === undefined ? r : { ...r, position: r.position + k };
    trustee = r.trustee;
    factors.push(...r.factors);
    if (k + SLICE < ciphertexts.length) await nextTick();
  }
  return { ok: true, trustee, factors };
}

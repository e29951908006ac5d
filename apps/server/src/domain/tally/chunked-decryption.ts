/**
 * Partial decryptions (protocol §8.4) computed and verified in slices, yielding to the event loop
 * between slices: a tally has up to 50 × 100 ciphertexts and each factor costs a Chaum–Pedersen proof,
 * so one synchronous call could hold the server for seconds. Slicing is exact: every factor's proof
 * binds only the fingerprint, the trustee index and its own ciphertext, so the factors of the slices,
 * concatenated, are the factors of the whole, and a slice's verdict is the whole's at that position.
 * `decryptInSlices` is the core's `decryptTally` (verify, combine, bounded discrete logs, §8.4–8.6)
 * with the same slicing, built from the core's own steps.
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import {
  type Ciphertext,
  combinePartialDecryptions,
  computePartialDecryption,
  type DecodedThresholdKey,
  type DecryptionFailure,
  DlogTable,
  MAX_BABY_STEPS,
  type PartialDecryption,
  type PartialDecryptionCheck,
  type Point,
  type RandomSource,
  type SingleTrusteeSecrets,
  type VerifiedPartial,
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

export type SlicedDecryption =
  | {
      readonly ok: true;
      readonly counts: readonly number[];
      /** Trustees whose factors were combined (0 first). */
      readonly trustees: readonly number[];
      /** Partial decryptions that failed verification and were left out. */
      readonly rejected: readonly DecryptionFailure[];
    }
  | {
      readonly ok: false;
      readonly code: DecryptionFailure['code'] | 'DLOG_OUT_OF_BOUND';
      readonly message: string;
    };

/** Verify each partial decryption, combine T_0 and t trustees, solve m_k ∈ [0, bound] (§8.4–8.6). */
export async function decryptInSlices(args: {
  readonly fingerprint: Uint8Array;
  readonly key: DecodedThresholdKey;
  readonly ciphertexts: readonly Ciphertext[];
  readonly partials: readonly unknown[];
  readonly bound: number;
}): Promise<SlicedDecryption> {
  const valid: VerifiedPartial[] = [];
  const rejected: DecryptionFailure[] = [];
  for (const p of args.partials) {
    const r = await verifyPartialInSlices(args.fingerprint, args.key, args.ciphertexts, p);
    if (r.ok) valid.push(r);
    else {
      const { ok: _ok, ...failure } = r;
      rejected.push(failure);
    }
  }
  const combined = combinePartialDecryptions(args.key.t, args.ciphertexts, valid);
  if (!combined.ok) return { ok: false, code: combined.code, message: combined.message };
  // B = min(2^14, ⌈√(c·(bound + 1))⌉) balances the table against c lookups (§8.6).
  const babySteps = Math.min(
    MAX_BABY_STEPS,
    Math.ceil(Math.sqrt(Math.max(1, combined.points.length) * (args.bound + 1))),
  );
  const table = new DlogTable(args.bound, babySteps);
  const counts: number[] = [];
  for (let k = 0; k < combined.points.length; k++) {
    const m = table.solve(combined.points[k]!);
    if (!m.ok || m.value > args.bound) {
      return { ok: false, code: 'DLOG_OUT_OF_BOUND', message: `count ${k} outside [0, ${args.bound}]` };
    }
    counts.push(m.value);
    if ((k + 1) % SLICE === 0) await nextTick();
  }
  return { ok: true, counts, trustees: combined.trustees, rejected };
}

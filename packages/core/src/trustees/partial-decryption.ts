/**
 * Partial decryption (protocol §8.4): for each ciphertext (α, β) of the tally, trustee j publishes
 * the factor D_j = x_j·α and a Chaum–Pedersen proof that log_G X_j = log_α D_j, bound to the
 * election fingerprint and the trustee index. T_0 is trustee 0 with X_0 = h_0. Verification checks
 * every factor against the verification key fixed by the ceremony, so a wrong factor is caught and
 * attributed before combination.
 */
import type { Ciphertext } from '../elgamal.js';
import { baseMul, Point, Scalar } from '../group/group.js';
import { proveDleq, verifyDleq } from '../proofs/chaum-pedersen.js';
import type { RandomSource } from '../rng.js';
import { TAGS } from '../tags.js';
import {
  decodePoint,
  decodeProof,
  expectArray,
  expectObject,
  MalformedError,
  proofJson,
} from './ceremony.js';
import type { PartialDecryption, ThresholdKey, TrusteeSecrets } from './types.js';

export type DecryptionErrorCode =
  | 'PARTIAL_DECRYPTION_MALFORMED'
  | 'TRUSTEE_UNKNOWN'
  | 'FACTOR_COUNT_MISMATCH'
  | 'DECRYPTION_PROOF_INVALID'
  | 'DUPLICATE_TRUSTEE'
  | 'SINGLE_TRUSTEE_MISSING'
  | 'QUORUM_NOT_MET';

export interface DecryptionFailure {
  readonly code: DecryptionErrorCode;
  /** Trustee index the failure is attributed to, when there is one. */
  readonly trustee?: number;
  /** Position of the ciphertext in the list, when the failure is about one factor. */
  readonly position?: number;
  readonly message: string;
}

/** Decoded public keys of a ThresholdKey (§8.1.6); throws DecodeError/MalformedError on bad input. */
export interface DecodedThresholdKey {
  readonly n: number;
  readonly t: number;
  readonly electionKey: Point;
  readonly singleKey: Point;
  readonly groupKey: Point;
  /** verificationKey(0) = h_0; verificationKey(j) = X_j. */
  readonly verificationKeys: readonly Point[];
}

export function decodeThresholdKey(key: ThresholdKey): DecodedThresholdKey {
  const k = expectObject(key, 'thresholdKey');
  if (k.v !== 1) throw new MalformedError('thresholdKey: v must be 1');
  const n = k.n as number;
  const t = k.t as number;
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(t) || t < 1 || t > n) {
    throw new MalformedError('thresholdKey: bad n, t');
  }
  const Xs = expectArray(k.verificationKeys, 'thresholdKey.verificationKeys');
  if (Xs.length !== n) throw new MalformedError('thresholdKey: expected n verification keys');
  const h0 = decodePoint(k.singleKey, 'thresholdKey.singleKey');
  const hP = decodePoint(k.groupKey, 'thresholdKey.groupKey');
  const h = decodePoint(k.electionKey, 'thresholdKey.electionKey');
  if (!h.equals(h0.add(hP))) throw new MalformedError('thresholdKey: electionKey ≠ singleKey + groupKey');
  return {
    n,
    t,
    electionKey: h,
    singleKey: h0,
    groupKey: hP,
    verificationKeys: [h0, ...Xs.map((X, i) => decodePoint(X, `thresholdKey.verificationKeys[${i}]`))],
  };
}

function proofContext(fingerprint: Uint8Array, trustee: number) {
  return [fingerprint, trustee];
}

/** Batch: factors and proofs for every ciphertext, in order (§8.4). */
export function computePartialDecryption(
  fingerprint: Uint8Array,
  trustee: number,
  share: Scalar,
  ciphertexts: readonly Ciphertext[],
  random: RandomSource,
): PartialDecryption {
  if (!Number.isSafeInteger(trustee) || trustee < 0)
    throw new RangeError('computePartialDecryption: bad index');
  const X = baseMul(share);
  const G = baseMul(Scalar.one);
  const factors = ciphertexts.map((c) => {
    const D = c.alpha.mul(share);
    const proof = proveDleq(
      TAGS.decryptionProof,
      proofContext(fingerprint, trustee),
      { B1: G, Y1: X, B2: c.alpha, Y2: D },
      share,
      random,
    );
    return { factor: D.toBase64Url(), proof: proofJson(proof) };
  });
  return { v: 1, trustee, factors };
}

/** Same, from a trustee's finalized secrets (T_0 or a Pedersen trustee). */
export function createPartialDecryption(
  fingerprint: Uint8Array,
  secrets: TrusteeSecrets,
  ciphertexts: readonly Ciphertext[],
  random: RandomSource,
): PartialDecryption {
  if (!secrets.share) throw new RangeError('createPartialDecryption: the ceremony is not finalized');
  return computePartialDecryption(fingerprint, secrets.index, secrets.share, ciphertexts, random);
}

export type PartialDecryptionCheck =
  | { readonly ok: true; readonly trustee: number; readonly factors: readonly Point[] }
  | ({ readonly ok: false } & DecryptionFailure);

/** Verify an untrusted partial decryption against the ceremony's keys; returns the decoded factors. */
export function verifyPartialDecryption(
  fingerprint: Uint8Array,
  key: ThresholdKey | DecodedThresholdKey,
  ciphertexts: readonly Ciphertext[],
  partial: unknown,
): PartialDecryptionCheck {
  const keys =
    key.electionKey instanceof Point ? (key as DecodedThresholdKey) : decodeThresholdKey(key as ThresholdKey);
  let trustee: number | undefined;
  try {
    const p = expectObject(partial, 'partialDecryption', ['v', 'trustee', 'factors']);
    if (p.v !== 1) throw new MalformedError('partialDecryption: v must be 1');
    if (!Number.isSafeInteger(p.trustee) || (p.trustee as number) < 0 || (p.trustee as number) > keys.n) {
      return { ok: false, code: 'TRUSTEE_UNKNOWN', message: 'partialDecryption: no such trustee' };
    }
    trustee = p.trustee as number;
    const list = expectArray(p.factors, 'partialDecryption.factors');
    if (list.length !== ciphertexts.length) {
      return {
        ok: false,
        code: 'FACTOR_COUNT_MISMATCH',
        trustee,
        message: 'one factor per ciphertext expected',
      };
    }
    const X = keys.verificationKeys[trustee]!;
    const G = baseMul(Scalar.one);
    const factors: Point[] = [];
    for (let k = 0; k < list.length; k++) {
      const f = expectObject(list[k], `factors[${k}]`, ['factor', 'proof']);
      const D = decodePoint(f.factor, `factors[${k}].factor`);
      const proof = decodeProof(f.proof, `factors[${k}].proof`);
      const statement = { B1: G, Y1: X, B2: ciphertexts[k]!.alpha, Y2: D };
      if (!verifyDleq(TAGS.decryptionProof, proofContext(fingerprint, trustee), statement, proof)) {
        return {
          ok: false,
          code: 'DECRYPTION_PROOF_INVALID',
          trustee,
          position: k,
          message: 'factor proof fails',
        };
      }
      factors.push(D);
    }
    return { ok: true, trustee, factors };
  } catch (e) {
    if (
      e instanceof Error &&
      (e.name === 'MalformedError' || e.name === 'DecodeError' || e instanceof TypeError)
    ) {
      return {
        ok: false,
        code: 'PARTIAL_DECRYPTION_MALFORMED',
        ...(trustee === undefined ? {} : { trustee }),
        message: e.message,
      };
    }
    throw e;
  }
}

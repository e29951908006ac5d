/**
 * Combination of partial decryptions (protocol §8.5). With T_0's factor D_0 and the factors of any
 * set S of t Pedersen trustees, D = D_0 + Σ_{j∈S} λ_j·D_j where λ_j are the Lagrange coefficients
 * at 0 over S; then m·G = β − D and m follows by the bounded discrete log of §8.6. `decryptTally`
 * does the whole thing from untrusted partial decryptions: verify each, drop (and report) the
 * invalid ones, combine a quorum, solve the discrete logs.
 */
import type { Ciphertext } from '../elgamal.js';
import { linearCombination, Point, Scalar } from '../group/group.js';
import { DlogTable, MAX_BABY_STEPS } from './dlog.js';
import {
  type DecodedThresholdKey,
  type DecryptionFailure,
  decodeThresholdKey,
  type PartialDecryptionCheck,
  verifyPartialDecryption,
} from './partial-decryption.js';
import { lagrangeAtZero } from './polynomial.js';
import type { ThresholdKey } from './types.js';

/** A verified partial decryption: trustee index and decoded factors (from verifyPartialDecryption). */
export interface VerifiedPartial {
  readonly trustee: number;
  readonly factors: readonly Point[];
}

export type CombineResult =
  | { readonly ok: true; readonly points: readonly Point[]; readonly trustees: readonly number[] }
  | ({ readonly ok: false } & DecryptionFailure);

/**
 * m_k·G for every ciphertext, from T_0's and ≥ t Pedersen trustees' VERIFIED factors. Uses T_0 and
 * the t lowest Pedersen indices present. Refuses without T_0 or with fewer than t Pedersen trustees.
 */
export function combinePartialDecryptions(
  t: number,
  ciphertexts: readonly Ciphertext[],
  partials: readonly VerifiedPartial[],
): CombineResult {
  const seen = new Set<number>();
  for (const p of partials) {
    if (seen.has(p.trustee)) {
      return {
        ok: false,
        code: 'DUPLICATE_TRUSTEE',
        trustee: p.trustee,
        message: 'two partial decryptions by one trustee',
      };
    }
    seen.add(p.trustee);
    if (p.factors.length !== ciphertexts.length) {
      return {
        ok: false,
        code: 'FACTOR_COUNT_MISMATCH',
        trustee: p.trustee,
        message: 'one factor per ciphertext expected',
      };
    }
  }
  const single = partials.find((p) => p.trustee === 0);
  if (!single)
    return {
      ok: false,
      code: 'SINGLE_TRUSTEE_MISSING',
      trustee: 0,
      message: "T_0's partial decryption is required",
    };
  const group = partials
    .filter((p) => p.trustee > 0)
    .sort((a, b) => a.trustee - b.trustee)
    .slice(0, t);
  if (group.length < t) {
    return {
      ok: false,
      code: 'QUORUM_NOT_MET',
      message: `${group.length} of the ${t} Pedersen trustees needed`,
    };
  }
  const S = group.map((p) => p.trustee);
  const lambdas = S.map((j) => lagrangeAtZero(S, j));
  // D = D_0 + Σ λ_j·D_j: public factors, so one variable-time linear combination per ciphertext.
  const points = ciphertexts.map((c, k) => {
    const D = linearCombination(Scalar.zero, [
      [single.factors[k]!, Scalar.one],
      ...group.map((p, s) => [p.factors[k]!, lambdas[s]!] as const),
    ]);
    return c.beta.sub(D);
  });
  return { ok: true, points, trustees: [0, ...S] };
}

export interface TallyDecryption {
  readonly ok: true;
  readonly counts: readonly number[];
  /** Trustees whose factors were combined (0 first). */
  readonly trustees: readonly number[];
  /** Partial decryptions that failed verification and were left out. */
  readonly rejected: readonly DecryptionFailure[];
}

export type TallyDecryptionResult =
  | TallyDecryption
  | ({ readonly ok: false; readonly rejected: readonly DecryptionFailure[] } & (
      | DecryptionFailure
      | { readonly code: 'DLOG_OUT_OF_BOUND'; readonly position: number; readonly message: string }
    ));

/**
 * Verify, combine and solve (§8.4–8.6): counts m_k ∈ [0, bound] for every ciphertext. Pass a
 * DlogTable to reuse it across tallies; otherwise one is built for `bound`.
 */
export function decryptTally(args: {
  readonly fingerprint: Uint8Array;
  readonly key: ThresholdKey | DecodedThresholdKey;
  readonly ciphertexts: readonly Ciphertext[];
  readonly partials: readonly unknown[];
  readonly bound: number;
  readonly table?: DlogTable;
}): TallyDecryptionResult {
  const keys =
    args.key.electionKey instanceof Point
      ? (args.key as DecodedThresholdKey)
      : decodeThresholdKey(args.key as ThresholdKey);
  const valid: VerifiedPartial[] = [];
  const rejected: DecryptionFailure[] = [];
  for (const p of args.partials) {
    const r: PartialDecryptionCheck = verifyPartialDecryption(args.fingerprint, keys, args.ciphertexts, p);
    if (r.ok) valid.push(r);
    else {
      const { ok: _ok, ...failure } = r;
      rejected.push(failure);
    }
  }
  const combined = combinePartialDecryptions(keys.t, args.ciphertexts, valid);
  if (!combined.ok) return { ...combined, rejected };
  // One table for all counts: B ≈ √(c·(bound + 1)) balances building it against c lookups (§8.6).
  const babySteps = Math.min(
    MAX_BABY_STEPS,
    Math.ceil(Math.sqrt(Math.max(1, combined.points.length) * (args.bound + 1))),
  );
  const table =
    args.table && args.table.bound >= args.bound ? args.table : new DlogTable(args.bound, babySteps);
  const counts: number[] = [];
  for (let k = 0; k < combined.points.length; k++) {
    const m = table.solve(combined.points[k]!);
    if (!m.ok || m.value > args.bound) {
      return {
        ok: false,
        code: 'DLOG_OUT_OF_BOUND',
        position: k,
        message: 'count outside [0, bound]',
        rejected,
      };
    }
    counts.push(m.value);
  }
  return { ok: true, counts, trustees: combined.trustees, rejected };
}

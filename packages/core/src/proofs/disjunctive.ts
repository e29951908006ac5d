/**
 * Disjunctive Chaum–Pedersen (CDS) proofs that an exponential ElGamal ciphertext encrypts one value
 * of an explicit small set S (protocol §4.4). They are what makes an encrypted ballot checkable
 * without decrypting it: every choice encrypts 0 or 1, every question's sum lies in its allowed set.
 *
 * For each j the branch statement is α = r·G ∧ β − S[j]·G = r·h. The prover simulates every branch
 * but the true one, the challenge c = H_s(tag; K, h, α, β, S, [A_0, B_0, …]) binds the whole
 * statement, and the proof is the list of (c_j, z_j) with Σ c_j = c. Verification is variable time
 * (everything is public): per branch, two linear combinations (G and α; G, h and β).
 */
import type { Ciphertext } from '../elgamal.js';
import { baseMul, groupBackend, linearCombination, Point, randomScalar, Scalar } from '../group/group.js';
import { type HashItem, hashToScalar } from '../group/hash.js';
import type { RandomSource } from '../rng.js';

/** One branch of a disjunctive proof: its challenge share and response. */
export interface DisjunctiveBranch {
  readonly c: Scalar;
  readonly z: Scalar;
}

/** A proof is one branch per element of the set, in the set's order. */
export type DisjunctiveProof = readonly DisjunctiveBranch[];

/** Largest set a disjunctive proof may range over (bounds prover and verifier work). */
export const MAX_DISJUNCTIVE_SET = 101;

function checkSet(set: readonly number[]): void {
  if (set.length === 0 || set.length > MAX_DISJUNCTIVE_SET) {
    throw new RangeError('disjunctive: the set must have 1..101 elements');
  }
  for (let i = 0; i < set.length; i++) {
    const v = set[i]!;
    if (!Number.isSafeInteger(v) || v < 0 || (i > 0 && v <= set[i - 1]!)) {
      throw new RangeError('disjunctive: the set must be strictly increasing non-negative integers');
    }
  }
}

const multiplesCache = new Map<string, readonly Point[]>();

/** The points S[j]·G (public, variable time), cached per set: sets repeat across every ballot. */
function setMultiples(set: readonly number[]): readonly Point[] {
  const key = set.join(',');
  const cached = multiplesCache.get(key);
  if (cached) return cached;
  const G = baseMul(Scalar.one);
  const out: Point[] = [];
  let acc = Point.identity;
  let at = 0;
  for (const v of set) {
    // Sets are small and dense ({0,1}, {0, min..max}): step by additions, jump only over gaps.
    if (v - at > 4) {
      acc = baseMul(Scalar.of(v));
    } else {
      for (; at < v; at++) acc = acc.add(G);
    }
    at = v;
    out.push(acc);
  }
  if (multiplesCache.size > 1000) multiplesCache.clear();
  multiplesCache.set(key, out);
  return out;
}

function challenge(
  tag: string,
  context: readonly HashItem[],
  h: Point,
  ct: Ciphertext,
  set: readonly number[],
  commitments: readonly Point[],
): Scalar {
  return hashToScalar(tag, [...context, h, ct.alpha, ct.beta, set, commitments]);
}

/**
 * Prove that ct = Enc_h(m; r) with m = set[index]. Throws (misuse) when `index` is out of range.
 * Every branch costs the same number of group operations, so the total work does not depend on m.
 */
export function proveDisjunctive(
  tag: string,
  context: readonly HashItem[],
  h: Point,
  ct: Ciphertext,
  set: readonly number[],
  index: number,
  r: Scalar,
  random: RandomSource,
): DisjunctiveProof {
  checkSet(set);
  if (!Number.isInteger(index) || index < 0 || index >= set.length) {
    throw new RangeError('proveDisjunctive: the plaintext is not in the set');
  }
  const multiples = setMultiples(set);
  const commitments: Point[] = [];
  const sims: DisjunctiveBranch[] = [];
  let w = Scalar.zero;
  let simulatedSum = Scalar.zero;
  for (let j = 0; j < set.length; j++) {
    const shifted = ct.beta.sub(multiples[j]!);
    const cj = randomScalar(random);
    const zj = randomScalar(random);
    if (j === index) {
      // Real branch: commitments w·G, w·h; the dummy products keep the operation count uniform.
      w = zj;
      commitments.push(baseMul(w), h.mul(w));
      ct.alpha.mul(cj);
      shifted.mul(cj);
      sims.push({ c: Scalar.zero, z: Scalar.zero });
    } else {
      commitments.push(baseMul(zj).sub(ct.alpha.mul(cj)), h.mul(zj).sub(shifted.mul(cj)));
      sims.push({ c: cj, z: zj });
      simulatedSum = simulatedSum.add(cj);
    }
  }
  const c = challenge(tag, context, h, ct, set, commitments);
  const cReal = c.sub(simulatedSum);
  return sims.map((b, j) => (j === index ? { c: cReal, z: w.add(cReal.mul(r)) } : b));
}

/** Check a disjunctive proof (all inputs public; variable time). Never throws on a wrong-length proof. */
export function verifyDisjunctive(
  tag: string,
  context: readonly HashItem[],
  h: Point,
  ct: Ciphertext,
  set: readonly number[],
  proof: DisjunctiveProof,
): boolean {
  checkSet(set);
  if (proof.length !== set.length) return false;
  // With a multi-scalar backend the G term costs next to nothing; without one, subtracting the cached
  // S[j]·G from β is cheaper than a base multiplication. Both give the same B_j.
  const multiples = groupBackend().lincomb ? undefined : setMultiples(set);
  const commitments: Point[] = [];
  let sum = Scalar.zero;
  for (let j = 0; j < set.length; j++) {
    const { c, z } = proof[j]!;
    const minusC = c.neg();
    // A_j = z·G − c·α and B_j = z·h − c·(β − S[j]·G) = (c·S[j])·G + z·h − c·β.
    const B = multiples
      ? linearCombination(Scalar.zero, [
          [h, z],
          [ct.beta.sub(multiples[j]!), minusC],
        ])
      : linearCombination(set[j] === 0 ? Scalar.zero : c.mul(Scalar.of(set[j]!)), [
          [h, z],
          [ct.beta, minusC],
        ]);
    commitments.push(linearCombination(z, [[ct.alpha, minusC]]), B);
    sum = sum.add(c);
  }
  return challenge(tag, context, h, ct, set, commitments).equals(sum);
}

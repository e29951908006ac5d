/**
 * Schnorr proofs of knowledge of a discrete log (protocol §4.1), in (challenge, response) form.
 *
 * Prove knowledge of x with X = x·G: w ← random, A = w·G, c = H_s(tag, context, X, A),
 * z = w + c·x. Verify: A' = z·G − c·X and c = H_s(tag, context, X, A').
 * The same construction with the message in `context` is the credential signature (§4.2).
 */
import { baseMul, linearCombination, type Point, randomScalar, type Scalar } from '../group/group.js';
import { type HashItem, hashToScalar } from '../group/hash.js';
import type { RandomSource } from '../rng.js';

export interface SchnorrProof {
  readonly c: Scalar;
  readonly z: Scalar;
}

export function proveSchnorr(
  tag: string,
  context: readonly HashItem[],
  x: Scalar,
  X: Point,
  random: RandomSource,
): SchnorrProof {
  const w = randomScalar(random);
  const A = baseMul(w);
  const c = hashToScalar(tag, [...context, X, A]);
  return { c, z: w.add(c.mul(x)) };
}

export function verifySchnorr(
  tag: string,
  context: readonly HashItem[],
  X: Point,
  proof: SchnorrProof,
): boolean {
  const A = linearCombination(proof.z, [[X, proof.c.neg()]]);
  return hashToScalar(tag, [...context, X, A]).equals(proof.c);
}

/**
 * Chaum–Pedersen proofs of discrete-log equality (protocol §4.3): knowledge of x such that
 * Y1 = x·B1 and Y2 = x·B2. Used for correct partial decryption (B1 = G, Y1 = trustee's verification
 * key, B2 = α of the tally, Y2 = the decryption share).
 *
 * w ← random, (A1, A2) = (w·B1, w·B2), c = H_s(tag, context, B1, Y1, B2, Y2, A1, A2), z = w + c·x.
 */
import { linearCombination, type Point, randomScalar, Scalar } from '../group/group.js';
import { type HashItem, hashToScalar } from '../group/hash.js';
import type { RandomSource } from '../rng.js';

export interface DleqProof {
  readonly c: Scalar;
  readonly z: Scalar;
}

export interface DleqStatement {
  readonly B1: Point;
  readonly Y1: Point;
  readonly B2: Point;
  readonly Y2: Point;
}

export function proveDleq(
  tag: string,
  context: readonly HashItem[],
  s: DleqStatement,
  x: Scalar,
  random: RandomSource,
): DleqProof {
  const w = randomScalar(random);
  const c = hashToScalar(tag, [...context, s.B1, s.Y1, s.B2, s.Y2, s.B1.mul(w), s.B2.mul(w)]);
  return { c, z: w.add(c.mul(x)) };
}

export function verifyDleq(
  tag: string,
  context: readonly HashItem[],
  s: DleqStatement,
  proof: DleqProof,
): boolean {
  const minusC = proof.c.neg();
  const A1 = linearCombination(Scalar.zero, [
    [s.B1, proof.z],
    [s.Y1, minusC],
  ]);
  const A2 = linearCombination(Scalar.zero, [
    [s.B2, proof.z],
    [s.Y2, minusC],
  ]);
  return hashToScalar(tag, [...context, s.B1, s.Y1, s.B2, s.Y2, A1, A2]).equals(proof.c);
}

/**
 * Polynomial arithmetic of the threshold scheme (protocol §8.1.4, §8.5): evaluating a dealer's
 * secret polynomial, its Feldman commitments "in the exponent", and Lagrange coefficients at 0.
 * Trustee indices are small positive integers, so they are public scalars.
 */
import { baseMul, linearCombination, Point, randomScalar, Scalar } from '../group/group.js';
import type { RandomSource } from '../rng.js';

/** t uniformly random coefficients a_0..a_(t−1) (a_0 is the dealer's secret contribution). */
export function randomPolynomial(t: number, random: RandomSource): Scalar[] {
  return Array.from({ length: t }, () => randomScalar(random));
}

/** f(x) = Σ_k a_k·x^k (Horner). */
export function evaluatePolynomial(coefficients: readonly Scalar[], x: number): Scalar {
  const xs = Scalar.of(x);
  let acc = Scalar.zero;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = acc.mul(xs).add(coefficients[k]!);
  return acc;
}

/** C_k = a_k·G. */
export function feldmanCommitments(coefficients: readonly Scalar[]): Point[] {
  return coefficients.map((a) => baseMul(a));
}

/** Σ_k x^k·C_k = f(x)·G (one linear combination; public values only). */
export function evaluateCommitments(commitments: readonly Point[], x: number): Point {
  const xs = Scalar.of(x);
  let power = Scalar.one;
  const terms = commitments.map((C, k) => {
    if (k > 0) power = power.mul(xs);
    return [C, power] as const;
  });
  return linearCombination(Scalar.zero, terms);
}

/** Component-wise sum of the dealers' commitment vectors: the commitments of F = Σ_i f_i. */
export function sumCommitments(vectors: readonly (readonly Point[])[], t: number): Point[] {
  const out = Array.from({ length: t }, () => Point.identity);
  for (const v of vectors) for (let k = 0; k < t; k++) out[k] = out[k]!.add(v[k]!);
  return out;
}

/** λ_j = Π_{k∈S, k≠j} k / (k − j) mod ℓ: F(0) = Σ_{j∈S} λ_j·F(j) for |S| = deg F + 1. */
export function lagrangeAtZero(indices: readonly number[], j: number): Scalar {
  let num = Scalar.one;
  let den = Scalar.one;
  const sj = Scalar.of(j);
  for (const k of indices) {
    if (k === j) continue;
    const sk = Scalar.of(k);
    num = num.mul(sk);
    den = den.mul(sk.sub(sj));
  }
  return num.mul(den.invert());
}

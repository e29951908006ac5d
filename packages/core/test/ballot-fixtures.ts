/**
 * Shared fixtures for the ballot tests and known-answer vectors: a deterministic randomness stream
 * (so vectors are reproducible byte for byte) and the reference election R of the benchmark
 * (question 1 "exactly 1 of 3, blank allowed", question 2 "0 to 2 of 5").
 */

import type { Manifest, ManifestQuestion } from '../src/manifest.js';

/** The SHA-512 counter stream of protocol §8.7 (one implementation, shared with the trustee vectors). */
export { deterministicRandom } from '../src/trustees/deterministic-random.js';

export function question(
  id: string,
  answers: number,
  min: number,
  max: number,
  blankAllowed: boolean,
): ManifestQuestion {
  return {
    id,
    title: `Question ${id}`,
    answers: Array.from({ length: answers }, (_, i) => ({ id: `${id}-a${i}`, label: `Answer ${i}` })),
    min,
    max,
    blankAllowed,
  };
}

/** The reference ballot R of the benchmark and the vectors. */
export const REFERENCE_MANIFEST: Manifest = {
  v: 1,
  id: 'reference-election',
  title: 'Reference election R',
  questions: [question('q1', 3, 1, 1, true), question('q2', 5, 0, 2, false)],
};

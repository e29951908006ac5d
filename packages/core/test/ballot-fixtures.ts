/**
 * Shared fixtures for the ballot tests and known-answer vectors: a deterministic randomness stream
 * (so vectors are reproducible byte for byte) and the reference election R of the benchmark
 * (question 1 "exactly 1 of 3, blank allowed", question 2 "0 to 2 of 5").
 */

import { utf8 } from '../src/group/bytes.js';
import { sha512 } from '../src/group/hash.js';
import type { Manifest, ManifestQuestion } from '../src/manifest.js';
import type { RandomSource } from '../src/rng.js';

/**
 * SHA-512 counter stream: block_i = SHA-512(UTF-8(seed) ‖ i as 8 bytes big-endian), concatenated,
 * consumed in order. Deterministic, so anyone can regenerate the vectors.
 */
export function deterministicRandom(seed: string): RandomSource {
  const seedBytes = utf8(seed);
  let counter = 0;
  let buffer = new Uint8Array(0);
  return (n: number) => {
    while (buffer.length < n) {
      const input = new Uint8Array(seedBytes.length + 8);
      input.set(seedBytes);
      new DataView(input.buffer).setBigUint64(seedBytes.length, BigInt(counter++), false);
      const block = sha512(input);
      const next = new Uint8Array(buffer.length + block.length);
      next.set(buffer);
      next.set(block, buffer.length);
      buffer = next;
    }
    const out = buffer.slice(0, n);
    buffer = buffer.slice(n);
    return out;
  };
}

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

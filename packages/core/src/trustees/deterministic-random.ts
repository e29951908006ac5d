/**
 * A deterministic RandomSource for known-answer vectors and tests (protocol §2.4): block k of the
 * stream is SHA-512(enc(tag; seed, k)). NEVER use it for real keys: anyone knowing the seed knows
 * every secret derived from it.
 */
import { encodeStatement, sha512 } from '../group/hash.js';
import type { RandomSource } from '../rng.js';

const TAG = 'electra/test/deterministic-random';

export function deterministicRandom(seed: string): RandomSource {
  let counter = 0;
  let buffer: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (offset === buffer.length) {
        buffer = sha512(encodeStatement(TAG, [seed, counter++]));
        offset = 0;
      }
      const take = Math.min(n - filled, buffer.length - offset);
      out.set(buffer.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
    }
    return out;
  };
}

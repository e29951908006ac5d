/**
 * A deterministic RandomSource for known-answer vectors and tests (protocol §7.8, §8.7): the stream
 * block_0 ‖ block_1 ‖ … with block_k = SHA-512(UTF-8(seed) ‖ k as 8 bytes big-endian), the same
 * stream as the ballot vectors. NEVER use it for real keys: whoever knows the seed knows every
 * secret derived from it.
 */
import { concatBytes, utf8 } from '../group/bytes.js';
import { sha512 } from '../group/hash.js';
import type { RandomSource } from '../rng.js';

export function deterministicRandom(seed: string): RandomSource {
  const seedBytes = utf8(seed);
  let counter = 0;
  let buffer: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (offset === buffer.length) {
        const k = new Uint8Array(8);
        new DataView(k.buffer).setBigUint64(0, BigInt(counter++), false);
        buffer = sha512(concatBytes(seedBytes, k));
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

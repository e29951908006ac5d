/**
 * Randomness is injected into the core, never read from globals inside it (protocol §2.4).
 * A RandomSource returns `n` uniformly random bytes.
 */
export type RandomSource = (n: number) => Uint8Array;

/** The platform CSPRNG (Web Crypto: browsers, workers and Node ≥ 19). Only callers outside the core pick it. */
export const systemRandom: RandomSource = (n) => {
  const out = new Uint8Array(n);
  // getRandomValues is limited to 65 536 bytes per call.
  for (let i = 0; i < n; i += 65536)
    globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
};

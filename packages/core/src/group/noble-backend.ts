/**
 * A pure-JavaScript backend on @noble/curves, byte-for-byte compatible with libsodium.
 * Used to cross-check the default backend in tests and as a fallback where WebAssembly is unavailable.
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { GROUP_ORDER, type GroupBackend } from './group.js';

const P = ristretto255.Point;
const L = GROUP_ORDER;

function le(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}
function toLE(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = ((n % L) + L) % L;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
function modInv(a: bigint): bigint {
  let [r0, r1, s0, s1] = [a % L, L, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % L) + L) % L;
}

export function nobleBackend(): GroupBackend {
  const decode = (b: Uint8Array) => P.fromBytes(b);
  return {
    name: 'noble',
    isValidPoint: (b) => {
      try {
        decode(b);
        return true;
      } catch {
        return false;
      }
    },
    add: (p, q) => decode(p).add(decode(q)).toBytes(),
    sub: (p, q) => decode(p).subtract(decode(q)).toBytes(),
    mulBase: (k) => P.BASE.multiply(le(k) % L).toBytes(),
    mul: (p, k) =>
      decode(p)
        .multiply(le(k) % L)
        .toBytes(),
    scalarAdd: (a, b) => toLE(le(a) + le(b)),
    scalarSub: (a, b) => toLE(le(a) - le(b)),
    scalarMul: (a, b) => toLE(le(a) * le(b)),
    scalarNegate: (a) => toLE(-le(a)),
    scalarInvert: (a) => toLE(modInv(le(a))),
    scalarReduce64: (w) => toLE(le(w)),
    sha512: (d) => sha512(d),
    sha256: (d) => sha256(d),
  };
}

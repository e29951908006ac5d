/**
 * The server's, CLI's and worker threads' crypto start-up (ADR 0008): @electra/core on libsodium's
 * WebAssembly build, then — unless ELECTRA_CRYPTO_BACKEND=wasm — the native group backend
 * (@electra/native-group: the same libsodium functions through the system library, ~2x faster on
 * this project's benchmarks, plus libdecaf's variable-time linear combinations for verification,
 * ADR 0009) when it was built. Before it is used, the native backend must agree
 * byte for byte with the WebAssembly one on a fixed set of operations; a disagreement stops the
 * process rather than verify ballots with a wrong group. The browser always uses WebAssembly.
 */
import { type GroupBackend, groupBackend, initCore, setGroupBackend } from '@electra/core';
import { loadNativeGroupBackend } from '@electra/native-group';

export const CRYPTO_BACKENDS = ['auto', 'native', 'wasm'] as const;
export type CryptoBackendChoice = (typeof CRYPTO_BACKENDS)[number];

let selected: Promise<string> | undefined;
/** libsodium WebAssembly's backend, as installed by initCore (kept to switch back). */
let wasmBackend: GroupBackend | undefined;

function parseChoice(raw: string | undefined): CryptoBackendChoice {
  const v = raw === undefined || raw === '' ? 'auto' : raw;
  if (!(CRYPTO_BACKENDS as readonly string[]).includes(v))
    throw new Error(`ELECTRA_CRYPTO_BACKEND must be one of ${CRYPTO_BACKENDS.join(', ')}, got '${v}'`);
  return v as CryptoBackendChoice;
}

/** Fixed inputs on which two backends must give identical bytes (a generator multiple, sums, inverses…). */
export function backendsAgree(a: GroupBackend, b: GroupBackend): boolean {
  const eq = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);
  const wide = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 0xff);
  const k1 = a.scalarReduce64(wide);
  const k2 = a.scalarReduce64(wide.map((v) => v ^ 0x5a));
  if (!eq(k1, b.scalarReduce64(wide)) || !eq(k2, b.scalarReduce64(wide.map((v) => v ^ 0x5a)))) return false;
  const P = a.mulBase(k1);
  const Q = a.mulBase(k2);
  return (
    eq(P, b.mulBase(k1)) &&
    eq(a.mul(P, k2), b.mul(P, k2)) &&
    eq(a.add(P, Q), b.add(P, Q)) &&
    eq(a.sub(P, Q), b.sub(P, Q)) &&
    a.isValidPoint(P) === b.isValidPoint(P) &&
    a.isValidPoint(wide.subarray(0, 32)) === b.isValidPoint(wide.subarray(0, 32)) &&
    eq(a.scalarMul(k1, k2), b.scalarMul(k1, k2)) &&
    eq(a.scalarAdd(k1, k2), b.scalarAdd(k1, k2)) &&
    eq(a.scalarSub(k1, k2), b.scalarSub(k1, k2)) &&
    eq(a.scalarNegate(k1), b.scalarNegate(k1)) &&
    eq(a.scalarInvert(k1), b.scalarInvert(k1)) &&
    eq(a.sha512(wide), b.sha512(wide)) &&
    eq(a.sha256(wide), b.sha256(wide)) &&
    eq(combination(a, k1, [P, Q], [k2, k1]), combination(b, k1, [P, Q], [k2, k1]))
  );
}

/** k0·G + Σ k_i·P_i with the backend's lincomb when it has one, else its mul/add (all inputs non-zero). */
function combination(
  x: GroupBackend,
  k0: Uint8Array,
  points: Uint8Array[],
  scalars: Uint8Array[],
): Uint8Array {
  if (x.lincomb) {
    const flat = (parts: Uint8Array[]) => {
      const out = new Uint8Array(32 * parts.length);
      for (const [i, p] of parts.entries()) out.set(p, 32 * i);
      return out;
    };
    return x.lincomb(k0, flat(points), flat(scalars));
  }
  return points.reduce((acc, p, i) => x.add(acc, x.mul(p, scalars[i]!)), x.mulBase(k0));
}

/**
 * Initialise the core and install the group backend `choice` asks for; resolves to its name.
 * `native` fails when the addon is missing; `auto` falls back to WebAssembly.
 */
export async function selectGroupBackend(choice: string | undefined): Promise<string> {
  const wanted = parseChoice(choice);
  await initCore();
  const wasm = wasmBackend ?? groupBackend();
  wasmBackend = wasm;
  if (wanted === 'wasm') {
    setGroupBackend(wasm);
    return wasm.name;
  }
  const native = loadNativeGroupBackend();
  if (!native.backend) {
    if (wanted === 'native')
      throw new Error(
        `ELECTRA_CRYPTO_BACKEND=native, but the native backend is unavailable: ${native.unavailable}`,
      );
    setGroupBackend(wasm);
    return wasm.name;
  }
  if (!backendsAgree(native.backend, wasm))
    throw new Error(`the native group backend (${native.backend.name}) disagrees with libsodium WebAssembly`);
  setGroupBackend(native.backend);
  return native.backend.name;
}

/** `selectGroupBackend` once per thread (default: ELECTRA_CRYPTO_BACKEND, else `auto`). */
export function initCrypto(choice: string | undefined = process.env.ELECTRA_CRYPTO_BACKEND): Promise<string> {
  selected ??= selectGroupBackend(choice);
  return selected;
}

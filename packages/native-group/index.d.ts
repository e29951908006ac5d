/** The GroupBackend of @electra/core, implemented by the system libsodium. */
export interface NativeGroupBackend {
  readonly name: string;
  isValidPoint(p: Uint8Array): boolean;
  add(p: Uint8Array, q: Uint8Array): Uint8Array;
  sub(p: Uint8Array, q: Uint8Array): Uint8Array;
  mulBase(k: Uint8Array): Uint8Array;
  mul(p: Uint8Array, k: Uint8Array): Uint8Array;
  scalarAdd(a: Uint8Array, b: Uint8Array): Uint8Array;
  scalarSub(a: Uint8Array, b: Uint8Array): Uint8Array;
  scalarMul(a: Uint8Array, b: Uint8Array): Uint8Array;
  scalarNegate(a: Uint8Array): Uint8Array;
  scalarInvert(a: Uint8Array): Uint8Array;
  scalarReduce64(wide: Uint8Array): Uint8Array;
  sha512(data: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  /** k0·G + Σ k_i·P_i, variable time (public inputs only); present when built with libdecaf. */
  lincomb?(k0: Uint8Array, points: Uint8Array, scalars: Uint8Array): Uint8Array;
}

export function loadNativeGroupBackend():
  | { readonly backend: NativeGroupBackend; readonly unavailable?: undefined }
  | { readonly backend?: undefined; readonly unavailable: string };

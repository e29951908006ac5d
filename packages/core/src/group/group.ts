/**
 * The prime-order group ristretto255 (RFC 9496) and its scalar field, behind a small backend
 * interface (protocol §2). `Point` and `Scalar` are immutable values holding their canonical
 * 32-byte encodings; every decoder of untrusted bytes validates canonicity and group membership.
 */
import { bytesEqual, fromBase64Url, toBase64Url, toHex } from './bytes.js';

/** Raw operations on canonical encodings. Implemented by libsodium (default) and noble (cross-check). */
export interface GroupBackend {
  readonly name: string;
  isValidPoint(p: Uint8Array): boolean;
  add(p: Uint8Array, q: Uint8Array): Uint8Array;
  sub(p: Uint8Array, q: Uint8Array): Uint8Array;
  /** k·G; never called with k = 0. Constant time in k. */
  mulBase(k: Uint8Array): Uint8Array;
  /** k·P; never called with k = 0 or P = identity. Constant time in k. */
  mul(p: Uint8Array, k: Uint8Array): Uint8Array;
  scalarAdd(a: Uint8Array, b: Uint8Array): Uint8Array;
  scalarSub(a: Uint8Array, b: Uint8Array): Uint8Array;
  scalarMul(a: Uint8Array, b: Uint8Array): Uint8Array;
  scalarNegate(a: Uint8Array): Uint8Array;
  scalarInvert(a: Uint8Array): Uint8Array;
  /** Reduce a 64-byte little-endian integer mod ℓ. */
  scalarReduce64(wide: Uint8Array): Uint8Array;
  sha512(data: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  /**
   * Optional: k0·G + Σ k_i·P_i with `points` and `scalars` the concatenated 32-byte encodings of n
   * terms (n ≤ LINCOMB_MAX_TERMS; identity points and zero scalars allowed). Variable time: only
   * ever called with public values. Backends without it get the same result from mul/add.
   */
  lincomb?(k0: Uint8Array, points: Uint8Array, scalars: Uint8Array): Uint8Array;
}

/** Most terms one `GroupBackend.lincomb` call takes; longer sums are split. */
export const LINCOMB_MAX_TERMS = 64;

let backend: GroupBackend | undefined;

/** Install the backend used by all Point/Scalar operations (done once by `initCore`). */
export function setGroupBackend(b: GroupBackend): void {
  backend = b;
}

export function groupBackend(): GroupBackend {
  if (!backend) throw new Error('@electra/core: call `await initCore()` before using the group');
  return backend;
}

/** Raised when untrusted bytes are not a valid encoding (protocol §2.2). */
export class DecodeError extends Error {
  constructor(
    readonly code: 'POINT_INVALID' | 'SCALAR_INVALID' | 'ENCODING_INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** ℓ, the prime order of ristretto255. */
export const GROUP_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

const ZERO32 = new Uint8Array(32);

export class Point {
  private constructor(readonly bytes: Uint8Array) {}

  /** Trusted construction from bytes produced by the backend. */
  static fromTrustedBytes(bytes: Uint8Array): Point {
    return new Point(bytes);
  }

  /** Decode untrusted bytes: 32 bytes, canonical, a valid ristretto255 element (identity allowed). */
  static decode(bytes: Uint8Array): Point {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
      throw new DecodeError('POINT_INVALID', 'point: expected 32 bytes');
    }
    if (!bytesEqual(bytes, ZERO32) && !groupBackend().isValidPoint(bytes)) {
      throw new DecodeError('POINT_INVALID', 'point: not a canonical ristretto255 encoding');
    }
    return new Point(bytes.slice());
  }

  static fromBase64Url(s: string): Point {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64Url(s);
    } catch {
      throw new DecodeError('POINT_INVALID', 'point: not base64url');
    }
    return Point.decode(bytes);
  }

  static readonly identity = new Point(ZERO32);

  isIdentity(): boolean {
    return bytesEqual(this.bytes, ZERO32);
  }

  add(q: Point): Point {
    if (this.isIdentity()) return q;
    if (q.isIdentity()) return this;
    return new Point(groupBackend().add(this.bytes, q.bytes));
  }

  sub(q: Point): Point {
    if (q.isIdentity()) return this;
    return new Point(groupBackend().sub(this.bytes, q.bytes));
  }

  neg(): Point {
    return Point.identity.sub(this);
  }

  mul(k: Scalar): Point {
    if (k.isZero() || this.isIdentity()) return Point.identity;
    return new Point(groupBackend().mul(this.bytes, k.bytes));
  }

  equals(q: Point): boolean {
    return bytesEqual(this.bytes, q.bytes);
  }

  toBase64Url(): string {
    return toBase64Url(this.bytes);
  }

  toHex(): string {
    return toHex(this.bytes);
  }

  toJSON(): string {
    return this.toBase64Url();
  }
}

/** k·G for the standard generator G of ristretto255. */
export function baseMul(k: Scalar): Point {
  if (k.isZero()) return Point.identity;
  return Point.fromTrustedBytes(groupBackend().mulBase(k.bytes));
}

/** The canonical encoding of the generator G (RFC 9496 §4.4). */
const GENERATOR_HEX = 'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76';
const GENERATOR = Uint8Array.from(GENERATOR_HEX.match(/../g)!.map((h) => Number.parseInt(h, 16)));

/** A term k·P of a linear combination. */
export type Term = readonly [Point, Scalar];

/**
 * k0·G + Σ k·P over `terms`, for verification: **variable time**, so only ever with public points and
 * scalars. One multi-scalar multiplication when the backend has one (the native backend, ADR 0009),
 * otherwise the same sum from mul/add. Terms on G itself are folded into k0.
 */
export function linearCombination(k0: Scalar, terms: readonly Term[]): Point {
  const lincomb = groupBackend().lincomb;
  if (!lincomb) return composedLinearCombination(k0, terms);
  let base = k0;
  const rest: Term[] = [];
  for (const t of terms) {
    if (bytesEqual(t[0].bytes, GENERATOR)) base = base.add(t[1]);
    else if (!t[0].isIdentity() && !t[1].isZero()) rest.push(t);
  }
  let acc: Point | undefined;
  for (let from = 0; from < rest.length || acc === undefined; from += LINCOMB_MAX_TERMS) {
    const chunk = rest.slice(from, from + LINCOMB_MAX_TERMS);
    const points = new Uint8Array(32 * chunk.length);
    const scalars = new Uint8Array(32 * chunk.length);
    chunk.forEach(([p, k], i) => {
      points.set(p.bytes, 32 * i);
      scalars.set(k.bytes, 32 * i);
    });
    const part = Point.fromTrustedBytes(lincomb(from === 0 ? base.bytes : ZERO32, points, scalars));
    acc = acc ? acc.add(part) : part;
  }
  return acc;
}

/** The same sum as `linearCombination`, from the backend's mul/add (and the reference in tests). */
export function composedLinearCombination(k0: Scalar, terms: readonly Term[]): Point {
  let acc = baseMul(k0);
  for (const [p, k] of terms) acc = acc.add(k.equals(Scalar.one) ? p : p.mul(k));
  return acc;
}

function scalarBytesFromBigint(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = n;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function bigintFromLE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

export class Scalar {
  private constructor(readonly bytes: Uint8Array) {}

  static fromTrustedBytes(bytes: Uint8Array): Scalar {
    return new Scalar(bytes);
  }

  /** Decode untrusted bytes: 32 bytes little-endian, strictly less than ℓ. */
  static decode(bytes: Uint8Array): Scalar {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
      throw new DecodeError('SCALAR_INVALID', 'scalar: expected 32 bytes');
    }
    if (bigintFromLE(bytes) >= GROUP_ORDER)
      throw new DecodeError('SCALAR_INVALID', 'scalar: not reduced mod ℓ');
    return new Scalar(bytes.slice());
  }

  static fromBase64Url(s: string): Scalar {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64Url(s);
    } catch {
      throw new DecodeError('SCALAR_INVALID', 'scalar: not base64url');
    }
    return Scalar.decode(bytes);
  }

  /** A non-negative integer smaller than ℓ (vote counts, trustee indices, bounds). */
  static of(n: number | bigint): Scalar {
    const v = BigInt(n);
    if (v < 0n || v >= GROUP_ORDER) throw new RangeError('Scalar.of: out of range');
    return new Scalar(scalarBytesFromBigint(v));
  }

  /** Uniform scalar from 64 random bytes reduced mod ℓ (bias < 2^-250; protocol §2.3). */
  static fromWideBytes(wide: Uint8Array): Scalar {
    if (wide.length !== 64) throw new TypeError('Scalar.fromWideBytes: expected 64 bytes');
    return new Scalar(groupBackend().scalarReduce64(wide));
  }

  static readonly zero = new Scalar(new Uint8Array(32));
  static readonly one = new Scalar(scalarBytesFromBigint(1n));

  isZero(): boolean {
    return bytesEqual(this.bytes, ZERO32);
  }

  add(b: Scalar): Scalar {
    return new Scalar(groupBackend().scalarAdd(this.bytes, b.bytes));
  }

  sub(b: Scalar): Scalar {
    return new Scalar(groupBackend().scalarSub(this.bytes, b.bytes));
  }

  mul(b: Scalar): Scalar {
    return new Scalar(groupBackend().scalarMul(this.bytes, b.bytes));
  }

  neg(): Scalar {
    return new Scalar(groupBackend().scalarNegate(this.bytes));
  }

  /** Multiplicative inverse; throws on zero (misuse). */
  invert(): Scalar {
    if (this.isZero()) throw new RangeError('Scalar.invert: zero has no inverse');
    return new Scalar(groupBackend().scalarInvert(this.bytes));
  }

  equals(b: Scalar): boolean {
    return bytesEqual(this.bytes, b.bytes);
  }

  /** Variable-time conversion: only for public values (counts, indices). */
  toBigInt(): bigint {
    return bigintFromLE(this.bytes);
  }

  toBase64Url(): string {
    return toBase64Url(this.bytes);
  }

  toJSON(): string {
    return this.toBase64Url();
  }
}

/** A uniformly random scalar from the injected randomness source (protocol §2.3). */
export function randomScalar(random: (n: number) => Uint8Array): Scalar {
  return Scalar.fromWideBytes(random(64));
}

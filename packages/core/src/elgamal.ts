/**
 * Exponential ElGamal over ristretto255 (protocol §3): Enc_h(m; r) = (α, β) = (r·G, r·h + m·G).
 * Additively homomorphic: Enc(a; r) + Enc(b; s) = Enc(a + b; r + s).
 */
import { baseMul, Point, type Scalar } from './group/group.js';

export class Ciphertext {
  constructor(
    readonly alpha: Point,
    readonly beta: Point,
  ) {}

  static readonly zero = new Ciphertext(Point.identity, Point.identity);

  add(other: Ciphertext): Ciphertext {
    return new Ciphertext(this.alpha.add(other.alpha), this.beta.add(other.beta));
  }

  equals(other: Ciphertext): boolean {
    return this.alpha.equals(other.alpha) && this.beta.equals(other.beta);
  }

  toJSON(): { alpha: string; beta: string } {
    return { alpha: this.alpha.toBase64Url(), beta: this.beta.toBase64Url() };
  }

  /** Decode untrusted JSON; both components are validated group elements. */
  static fromJSON(json: unknown): Ciphertext {
    const o = json as { alpha?: unknown; beta?: unknown } | null;
    if (!o || typeof o.alpha !== 'string' || typeof o.beta !== 'string') {
      throw new TypeError('ciphertext: expected {alpha, beta}');
    }
    return new Ciphertext(Point.fromBase64Url(o.alpha), Point.fromBase64Url(o.beta));
  }
}

/** Encrypt the small integer m (as a scalar) under public key h with randomness r. */
export function encrypt(h: Point, m: Scalar, r: Scalar): Ciphertext {
  return new Ciphertext(baseMul(r), h.mul(r).add(baseMul(m)));
}

/** m·G = β − x·α. Recovering m itself needs a small discrete log (trustees/dlog.ts). */
export function decryptToPoint(x: Scalar, c: Ciphertext): Point {
  return c.beta.sub(c.alpha.mul(x));
}

/** Homomorphic sum of ciphertexts. */
export function sumCiphertexts(cs: readonly Ciphertext[]): Ciphertext {
  let acc = Ciphertext.zero;
  for (const c of cs) acc = acc.add(c);
  return acc;
}

/**
 * Bounded discrete logarithm by baby-step giant-step (protocol §8.6): decryption yields M = m·G
 * and the count m is small (at most the number of voters). The table of baby steps j·G, keyed by
 * encoding, is built once per tally and reused for every ciphertext; each lookup then costs at most
 * ⌊bound / B⌋ + 1 point subtractions. Only public values (decrypted tallies) pass through here.
 */
import { baseMul, Point, Scalar } from '../group/group.js';

export type DlogResult =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly code: 'DLOG_OUT_OF_BOUND' };

/** Largest supported bound (a tally never gets near it; keeps arithmetic within safe integers). */
export const MAX_DLOG_BOUND = 2 ** 40;
/** Default cap on the baby-step table (≈ 2^14 entries, ~1 MiB, built in well under a second). */
export const MAX_BABY_STEPS = 2 ** 14;

function key(p: Point): string {
  return String.fromCharCode(...p.bytes);
}

export class DlogTable {
  readonly bound: number;
  readonly babySteps: number;
  private readonly table = new Map<string, number>();
  private readonly giantStride: Point;

  /** Solves m·G for m ∈ [0, bound]; `babySteps` defaults to min(2^14, ⌈√(bound + 1)⌉). */
  constructor(bound: number, babySteps?: number) {
    if (!Number.isSafeInteger(bound) || bound < 0 || bound > MAX_DLOG_BOUND) {
      throw new RangeError(`DlogTable: bound must be an integer in 0..2^40`);
    }
    const b = babySteps ?? Math.min(MAX_BABY_STEPS, Math.ceil(Math.sqrt(bound + 1)));
    if (!Number.isSafeInteger(b) || b < 1 || b > 2 ** 22) throw new RangeError('DlogTable: bad babySteps');
    this.bound = bound;
    this.babySteps = b;
    const G = baseMul(Scalar.one);
    let P = Point.identity;
    for (let j = 0; j < b; j++) {
      this.table.set(key(P), j);
      P = P.add(G);
    }
    this.giantStride = P; // b·G
  }

  /** m with M = m·G and 0 ≤ m ≤ bound, or DLOG_OUT_OF_BOUND. */
  solve(M: Point): DlogResult {
    let Q = M;
    const steps = Math.floor(this.bound / this.babySteps);
    for (let i = 0; i <= steps; i++) {
      const j = this.table.get(key(Q));
      if (j !== undefined) {
        const m = i * this.babySteps + j;
        return m <= this.bound ? { ok: true, value: m } : { ok: false, code: 'DLOG_OUT_OF_BOUND' };
      }
      Q = Q.sub(this.giantStride);
    }
    return { ok: false, code: 'DLOG_OUT_OF_BOUND' };
  }
}

/** One-off discrete log (builds a table; prefer one DlogTable per tally). */
export function discreteLog(M: Point, bound: number): DlogResult {
  return new DlogTable(bound).solve(M);
}

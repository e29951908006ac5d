/**
 * The group operations a piece of verification code performs, and what they cost on this machine now:
 * the "hardware limit" the ballot and record benchmarks compare their figures with. Scalar
 * multiplications are counted through the backend; `lincomb` calls (the native backend's variable-time
 * linear combinations, ADR 0009) are counted by their number of variable points.
 */
import {
  baseMul,
  type GroupBackend,
  groupBackend,
  randomScalar,
  setGroupBackend,
  systemRandom,
} from '@electra/core';

export type OpCounts = Record<string, number>;

/** Backend calls made by `fn` (one run), by a counting backend swapped in for the duration. */
export function countGroupOps(fn: () => void): OpCounts {
  const real = groupBackend();
  const counts: OpCounts = {};
  const counting = new Proxy(real, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        const name = prop === 'lincomb' ? `lincomb${(args[1] as Uint8Array).length / 32}` : String(prop);
        counts[name] = (counts[name] ?? 0) + 1;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as GroupBackend;
  setGroupBackend(counting);
  try {
    fn();
  } finally {
    setGroupBackend(real);
  }
  return counts;
}

/** Mean milliseconds per call of `fn` over at least `minMs`. */
export function timeIt(fn: () => unknown, minMs: number): number {
  fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    fn();
    n++;
    now = performance.now();
  }
  return (now - start) / n;
}

/** Milliseconds per operation on `be`: base and variable-base mults, and lincombs of G plus 1 or 2 points. */
export interface OpTimes {
  base: number;
  variable: number;
  lincomb1: number;
  lincomb2: number;
}

/** Call after initCore(). */
export function measureOpTimes(be: GroupBackend, minMs = 150): OpTimes {
  const k = randomScalar(systemRandom).bytes;
  const P = baseMul(randomScalar(systemRandom)).bytes;
  const Q = baseMul(randomScalar(systemRandom)).bytes;
  const lincomb = be.lincomb;
  return {
    base: timeIt(() => be.mulBase(k), minMs),
    variable: timeIt(() => be.mul(P, k), minMs),
    lincomb1: lincomb ? timeIt(() => lincomb(k, P, k), minMs) : Number.NaN,
    lincomb2: lincomb
      ? timeIt(() => lincomb(k, new Uint8Array([...P, ...Q]), new Uint8Array([...k, ...k])), minMs)
      : Number.NaN,
  };
}

/** The counted operations at the measured costs, in ms; and a one-line description of both. */
export function hardwareLimit(ops: OpCounts, t: OpTimes): { ms: number; describe: string } {
  const terms: [number, number, string][] = [
    [ops.mulBase ?? 0, t.base, 'base mults'],
    [ops.mul ?? 0, t.variable, 'variable mults'],
    [ops.lincomb1 ?? 0, t.lincomb1, 'lincombs aG+bP'],
    [ops.lincomb2 ?? 0, t.lincomb2, 'lincombs aG+bP+cQ'],
  ];
  const used = terms.filter(([n]) => n > 0);
  return {
    ms: used.reduce((a, [n, ms]) => a + n * ms, 0),
    describe:
      used.map(([n, ms, what]) => `${n} ${what} × ${(ms * 1000).toFixed(1)} µs`).join(' + ') ||
      'no group ops',
  };
}

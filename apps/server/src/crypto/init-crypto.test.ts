import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  baseMul,
  composedLinearCombination,
  GROUP_ORDER,
  type GroupBackend,
  groupBackend,
  initCore,
  LINCOMB_MAX_TERMS,
  linearCombination,
  nobleBackend,
  Point,
  Scalar,
  setGroupBackend,
  type Term,
} from '@electra/core';
import { loadNativeGroupBackend } from '@electra/native-group';
import fc from 'fast-check';
import { backendsAgree, selectGroupBackend } from './init-crypto.js';

await initCore();
const wasm = groupBackend();
const native = loadNativeGroupBackend();
after(() => setGroupBackend(wasm));

describe('crypto backend selection (ADR 0008)', () => {
  test('backendsAgree accepts byte-identical backends and catches a wrong one', () => {
    assert.equal(backendsAgree(wasm, nobleBackend()), true);
    const wrong: GroupBackend = { ...wasm, mul: (p, k) => wasm.mul(p, wasm.scalarAdd(k, k)) };
    assert.equal(backendsAgree(wrong, wasm), false);
    const wrongCombination: GroupBackend = { ...wasm, lincomb: (k0) => wasm.mulBase(k0) };
    assert.equal(backendsAgree(wrongCombination, wasm), false);
  });

  test('wasm is chosen on request, and unknown choices are refused', async () => {
    assert.match(await selectGroupBackend('wasm'), /^libsodium$/);
    assert.equal(groupBackend(), wasm);
    await assert.rejects(
      selectGroupBackend('fast'),
      /ELECTRA_CRYPTO_BACKEND must be one of auto, native, wasm/,
    );
  });

  test('CI builds the native backend (ELECTRA_REQUIRE_NATIVE_GROUP=1)', {
    skip: process.env.ELECTRA_REQUIRE_NATIVE_GROUP !== '1',
  }, () => {
    assert.ok(native.backend, `native backend unavailable: ${native.unavailable}`);
    assert.ok(
      native.backend.lincomb,
      'the native backend was built without libdecaf (apt-get install libdecaf-dev)',
    );
  });

  test('auto and native pick the native backend when it is built; native fails loudly when it is not', async () => {
    if (native.backend) {
      assert.match(await selectGroupBackend('native'), /^libsodium-native /);
      assert.match(await selectGroupBackend('auto'), /^libsodium-native /);
    } else {
      await assert.rejects(selectGroupBackend('native'), /native backend is unavailable/);
      assert.equal(await selectGroupBackend('auto'), 'libsodium');
    }
    setGroupBackend(wasm);
  });

  test('native and WebAssembly agree byte for byte on random inputs', { skip: !native.backend }, () => {
    const n = native.backend!;
    const bytes = (len: number) => fc.uint8Array({ minLength: len, maxLength: len });
    fc.assert(
      fc.property(bytes(64), bytes(64), bytes(32), fc.uint8Array({ maxLength: 300 }), (w1, w2, raw, msg) => {
        const k1 = wasm.scalarReduce64(w1);
        const k2 = wasm.scalarReduce64(w2);
        // The backend contract excludes k = 0 (Point and Scalar never pass it); so must these inputs.
        fc.pre(k1.some((b) => b !== 0) && k2.some((b) => b !== 0) && !w1.every((b, i) => b === w2[i]));
        assert.deepEqual(n.scalarReduce64(w1), k1);
        const P = wasm.mulBase(k1);
        const Q = wasm.mulBase(k2);
        assert.deepEqual(n.mulBase(k1), P);
        assert.deepEqual(n.mul(P, k2), wasm.mul(P, k2));
        assert.deepEqual(n.add(P, Q), wasm.add(P, Q));
        assert.deepEqual(n.sub(P, Q), wasm.sub(P, Q));
        assert.deepEqual(n.scalarAdd(k1, k2), wasm.scalarAdd(k1, k2));
        assert.deepEqual(n.scalarSub(k1, k2), wasm.scalarSub(k1, k2));
        assert.deepEqual(n.scalarMul(k1, k2), wasm.scalarMul(k1, k2));
        assert.deepEqual(n.scalarNegate(k1), wasm.scalarNegate(k1));
        assert.deepEqual(n.scalarInvert(k1), wasm.scalarInvert(k1));
        assert.equal(n.isValidPoint(raw), wasm.isValidPoint(raw));
        assert.equal(n.isValidPoint(P), true);
        assert.deepEqual(n.sha512(msg), wasm.sha512(msg));
        assert.deepEqual(n.sha256(msg), wasm.sha256(msg));
      }),
      { numRuns: 300 },
    );
  });

  test('native rejects the encodings libsodium 1.0.18 lets through (top bit set), as WebAssembly does', {
    skip: !native.backend,
  }, () => {
    const n = native.backend!;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (w) => {
        fc.pre(wasm.scalarReduce64(w).some((b) => b !== 0));
        const P = wasm.mulBase(wasm.scalarReduce64(w));
        const high = P.slice();
        high[31]! |= 0x80;
        assert.equal(wasm.isValidPoint(high), false);
        assert.equal(n.isValidPoint(high), false);
        assert.throws(() => n.add(high, P), /invalid point/);
        assert.throws(() => n.mul(high, wasm.scalarReduce64(w)), /invalid point/);
      }),
      { numRuns: 200 },
    );
  });

  test('native refuses malformed input instead of reading past it', { skip: !native.backend }, () => {
    const n = native.backend!;
    const k = wasm.scalarReduce64(new Uint8Array(64).fill(7));
    assert.throws(() => n.mulBase(new Uint8Array(31)), RangeError);
    assert.throws(() => n.mul(new Uint8Array(32).fill(0xff), k), /invalid point/);
    assert.throws(() => n.add([1, 2] as unknown as Uint8Array, new Uint8Array(32)), TypeError);
    assert.throws(() => n.scalarInvert(new Uint8Array(32)), /invert of zero/);
  });

  test('native lincomb equals the composed sum: identity points, G, recurring and colliding points, zero, one and extreme scalars, 0..150 terms (ADR 0009)', {
    skip: !native.backend?.lincomb,
  }, () => {
    const G = baseMul(Scalar.one);
    const edge = [
      Scalar.zero,
      Scalar.one,
      Scalar.of(GROUP_ORDER - 1n),
      Scalar.of(2n ** 252n),
      Scalar.of(255),
    ];
    const scalarArb = fc.oneof(
      fc.bigInt({ min: 0n, max: GROUP_ORDER - 1n }).map((v) => Scalar.of(v)),
      fc.constantFrom(...edge),
    );
    // A few recurring points, the first two in the same slot of the addon's per-thread table cache
    // (slot = first byte mod 64), so hits, misses and evictions happen within and across calls.
    const pool: Point[] = [baseMul(Scalar.of(7919n))];
    for (let v = 2n; pool.length < 2; v++) {
      const P = baseMul(Scalar.of(v * 7919n));
      if (P.bytes[0]! % 64 === pool[0]!.bytes[0]! % 64) pool.push(P);
    }
    for (let v = 1000n; pool.length < 6; v++) pool.push(baseMul(Scalar.of(v)));
    const pointArb = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.bigInt({ min: 1n, max: GROUP_ORDER - 1n }).map((v) => baseMul(Scalar.of(v))),
      },
      { weight: 4, arbitrary: fc.constantFrom(...pool) },
      fc.constant(G),
      fc.constant(Point.identity),
    );
    const termArb = fc.tuple(pointArb, scalarArb);
    try {
      fc.assert(
        fc.property(scalarArb, fc.array(termArb, { maxLength: 150 }), (k0, terms: Term[]) => {
          setGroupBackend(wasm);
          const expected = composedLinearCombination(k0, terms);
          setGroupBackend(native.backend!);
          assert.equal(linearCombination(k0, terms).toHex(), expected.toHex());
        }),
        { numRuns: 150 },
      );
    } finally {
      setGroupBackend(wasm);
    }
  });

  test('native lincomb refuses what is not a canonical point or scalar, and too many terms', {
    skip: !native.backend?.lincomb,
  }, () => {
    const lincomb = native.backend!.lincomb!;
    const P = wasm.mulBase(wasm.scalarReduce64(new Uint8Array(64).fill(3)));
    const k = wasm.scalarReduce64(new Uint8Array(64).fill(9));
    const ell = Scalar.of(GROUP_ORDER - 1n).bytes.slice();
    ell[0] = ell[0]! + 1;
    const high = P.slice();
    high[31]! |= 0x80;
    assert.equal(lincomb(k, P, k).length, 32);
    assert.throws(() => lincomb(ell, P, k), /invalid point or scalar/);
    assert.throws(() => lincomb(k, P, ell), /invalid point or scalar/);
    assert.throws(() => lincomb(k, high, k), /invalid point or scalar/);
    assert.throws(() => lincomb(k, new Uint8Array(32).fill(0xff), k), /invalid point or scalar/);
    const many = LINCOMB_MAX_TERMS + 1;
    assert.throws(() => lincomb(k, new Uint8Array(32 * many), new Uint8Array(32 * many)), RangeError);
    assert.throws(() => lincomb(k, P, new Uint8Array(64)), RangeError);
    assert.throws(() => lincomb(k, new Uint8Array(31), new Uint8Array(31)), RangeError);
  });
});

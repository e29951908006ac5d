import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type GroupBackend, groupBackend, initCore, nobleBackend, setGroupBackend } from '@electra/core';
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
});

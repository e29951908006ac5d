import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { initCore } from '../init.js';
import { fromHex, toHex } from './bytes.js';
import {
  baseMul,
  composedLinearCombination,
  DecodeError,
  GROUP_ORDER,
  type GroupBackend,
  groupBackend,
  LINCOMB_MAX_TERMS,
  linearCombination,
  Point,
  Scalar,
  setGroupBackend,
  type Term,
} from './group.js';
import { loadLibsodiumBackend } from './libsodium-backend.js';
import { nobleBackend } from './noble-backend.js';

before(initCore);

// RFC 9496 Appendix A.1: multiples of the generator (0·G … 3·G).
const RFC9496_MULTIPLES = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76',
  '6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919',
  '94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259',
];

// RFC 9496 Appendix A.2: some invalid encodings (non-canonical, negative, non-square).
const RFC9496_INVALID = [
  '00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371',
];

const scalarArb = fc.bigInt({ min: 0n, max: GROUP_ORDER - 1n }).map((n) => Scalar.of(n));

describe('ristretto255 group (protocol §2)', () => {
  test('generator multiples match RFC 9496 test vectors', () => {
    RFC9496_MULTIPLES.forEach((hex, i) => {
      assert.equal(baseMul(Scalar.of(i)).toHex(), hex);
      assert.equal(Point.decode(fromHex(hex)).toHex(), hex);
    });
  });

  test('decoding rejects invalid and non-canonical encodings', () => {
    for (const hex of RFC9496_INVALID) {
      assert.throws(() => Point.decode(fromHex(hex)), DecodeError);
    }
    assert.throws(() => Point.decode(new Uint8Array(31)), DecodeError);
    assert.throws(() => Point.fromBase64Url('not base64!'), DecodeError);
  });

  test('scalar decoding rejects values ≥ ℓ', () => {
    const l = Scalar.of(GROUP_ORDER - 1n).bytes.slice();
    l[0] = l[0]! + 1; // ℓ itself
    assert.throws(() => Scalar.decode(l), DecodeError);
    assert.ok(Scalar.decode(Scalar.of(GROUP_ORDER - 1n).bytes));
  });

  test('identity behaves as the neutral element and k·O = O', () => {
    const P = baseMul(Scalar.of(5));
    assert.ok(P.add(Point.identity).equals(P));
    assert.ok(P.sub(P).isIdentity());
    assert.ok(Point.identity.mul(Scalar.of(7)).isIdentity());
    assert.ok(P.mul(Scalar.zero).isIdentity());
  });

  test('scalar multiplication distributes over scalar addition', () => {
    fc.assert(
      fc.property(scalarArb, scalarArb, (a, b) => baseMul(a.add(b)).equals(baseMul(a).add(baseMul(b)))),
      { numRuns: 50 },
    );
  });

  test('scalar inverse and negation', () => {
    fc.assert(
      fc.property(scalarArb, (a) => {
        if (a.isZero()) return true;
        return a.mul(a.invert()).equals(Scalar.one) && a.add(a.neg()).isZero();
      }),
      { numRuns: 50 },
    );
  });

  test('libsodium and noble backends agree byte for byte', async () => {
    const sodium = await loadLibsodiumBackend();
    const noble = nobleBackend();
    try {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), scalarArb, (wide, k) => {
          setGroupBackend(sodium);
          const s1 = Scalar.fromWideBytes(wide);
          const p1 = baseMul(s1).mul(k).add(baseMul(k));
          setGroupBackend(noble);
          const s2 = Scalar.fromWideBytes(wide);
          const p2 = baseMul(s2).mul(k).add(baseMul(k));
          return toHex(s1.bytes) === toHex(s2.bytes) && p1.equals(p2);
        }),
        { numRuns: 30 },
      );
    } finally {
      setGroupBackend(sodium);
    }
    assert.equal(groupBackend().name, 'libsodium');
  });

  test('linearCombination: a backend lincomb gets at most LINCOMB_MAX_TERMS terms, no G, identity or zero terms, and the sum is unchanged', () => {
    const plain = groupBackend();
    const G = baseMul(Scalar.one);
    const calls: number[] = [];
    // A lincomb made of the plain backend's own operations: what matters here is what it is given.
    const recording: GroupBackend = {
      ...plain,
      lincomb(k0, points, scalars) {
        const n = points.length / 32;
        calls.push(n);
        assert.ok(n <= LINCOMB_MAX_TERMS);
        const terms: Term[] = [];
        for (let i = 0; i < n; i++) {
          const P = Point.fromTrustedBytes(points.slice(32 * i, 32 * i + 32));
          const k = Scalar.fromTrustedBytes(scalars.slice(32 * i, 32 * i + 32));
          assert.ok(!P.equals(G) && !P.isIdentity() && !k.isZero());
          terms.push([P, k]);
        }
        return composedLinearCombination(Scalar.fromTrustedBytes(k0), terms).bytes;
      },
    };
    const termArb = fc.tuple(
      fc.oneof(
        scalarArb.map((k) => baseMul(k)),
        fc.constant(G),
        fc.constant(Point.identity),
      ),
      fc.oneof(scalarArb, fc.constant(Scalar.zero), fc.constant(Scalar.one)),
    );
    try {
      fc.assert(
        fc.property(scalarArb, fc.array(termArb, { maxLength: 2 * LINCOMB_MAX_TERMS + 5 }), (k0, terms) => {
          setGroupBackend(plain);
          const expected = composedLinearCombination(k0, terms);
          setGroupBackend(recording);
          calls.length = 0;
          const got = linearCombination(k0, terms);
          assert.ok(got.equals(expected));
          const useful = terms.filter(([P, k]) => !P.equals(G) && !P.isIdentity() && !k.isZero()).length;
          assert.equal(calls.length, Math.max(1, Math.ceil(useful / LINCOMB_MAX_TERMS)));
        }),
        { numRuns: 40 },
      );
    } finally {
      setGroupBackend(plain);
    }
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { deterministicRandom } from '../../test/ballot-fixtures.js';
import { Ciphertext, encrypt } from '../elgamal.js';
import { baseMul, Point, randomScalar, Scalar } from '../group/group.js';
import { initCore } from '../init.js';
import { type DisjunctiveProof, proveDisjunctive, verifyDisjunctive } from './disjunctive.js';

before(initCore);

const TAG = 'electra/test/disjunctive';
const rnd = deterministicRandom('disjunctive-test');

function setup(set: number[], index: number) {
  const x = randomScalar(rnd);
  const h = baseMul(x);
  const r = randomScalar(rnd);
  const ct = encrypt(h, Scalar.of(set[index]!), r);
  const context = [new Uint8Array([1, 2, 3]), 'ctx', 7];
  const proof = proveDisjunctive(TAG, context, h, ct, set, index, r, rnd);
  return { h, r, ct, context, proof };
}

const other = () => baseMul(randomScalar(rnd));

describe('disjunctive Chaum–Pedersen proofs (protocol §4.4)', () => {
  test('honest proofs verify for every element of assorted sets', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 5 })
          .map((a) => a.sort((x, y) => x - y)),
        fc.nat(),
        (set, k) => {
          const index = k % set.length;
          const { h, ct, context, proof } = setup(set, index);
          assert.equal(proof.length, set.length);
          assert.ok(verifyDisjunctive(TAG, context, h, ct, set, proof));
        },
      ),
      { numRuns: 15 },
    );
  });

  test('a far-away value (beyond the incremental step) is handled', () => {
    const set = [0, 3, 40, 41];
    const { h, ct, context, proof } = setup(set, 2);
    assert.ok(verifyDisjunctive(TAG, context, h, ct, set, proof));
  });

  test('changing any c or z of any branch breaks the proof', () => {
    const set = [0, 1, 2];
    const { h, ct, context, proof } = setup(set, 1);
    for (let j = 0; j < set.length; j++) {
      for (const field of ['c', 'z'] as const) {
        const bad: DisjunctiveProof = proof.map((b, i) =>
          i === j ? { ...b, [field]: b[field].add(Scalar.one) } : b,
        );
        assert.equal(verifyDisjunctive(TAG, context, h, ct, set, bad), false, `branch ${j} field ${field}`);
      }
    }
  });

  test('the statement is bound: α, β, h, context, tag and set', () => {
    const set = [0, 1];
    const { h, ct, context, proof } = setup(set, 0);
    assert.equal(verifyDisjunctive(TAG, context, h, new Ciphertext(other(), ct.beta), set, proof), false);
    assert.equal(verifyDisjunctive(TAG, context, h, new Ciphertext(ct.alpha, other()), set, proof), false);
    assert.equal(verifyDisjunctive(TAG, context, other(), ct, set, proof), false);
    assert.equal(verifyDisjunctive(TAG, [...context.slice(0, 2), 8], h, ct, set, proof), false);
    assert.equal(verifyDisjunctive('electra/test/other', context, h, ct, set, proof), false);
    assert.equal(verifyDisjunctive(TAG, context, h, ct, [0, 2], proof), false);
  });

  test('wrong-length proofs are rejected, not thrown on', () => {
    const set = [0, 1];
    const { h, ct, context, proof } = setup(set, 1);
    assert.equal(verifyDisjunctive(TAG, context, h, ct, set, proof.slice(0, 1)), false);
    assert.equal(verifyDisjunctive(TAG, context, h, ct, set, [...proof, proof[0]!]), false);
  });

  test('a value outside the set cannot be proven', () => {
    const x = randomScalar(rnd);
    const h = baseMul(x);
    const r = randomScalar(rnd);
    const ct = encrypt(h, Scalar.of(2), r);
    // A cheating prover claims each branch in turn: the resulting proof never verifies.
    for (const index of [0, 1]) {
      const proof = proveDisjunctive(TAG, [], h, ct, [0, 1], index, r, rnd);
      assert.equal(verifyDisjunctive(TAG, [], h, ct, [0, 1], proof), false);
    }
    assert.throws(() => proveDisjunctive(TAG, [], h, ct, [0, 1], 2, r, rnd), RangeError);
  });

  test('the identity ciphertext (m = 0, r = 0) still proves and verifies', () => {
    const h = other();
    const ct = new Ciphertext(Point.identity, Point.identity);
    const proof = proveDisjunctive(TAG, [], h, ct, [0, 1], 0, Scalar.zero, rnd);
    assert.ok(verifyDisjunctive(TAG, [], h, ct, [0, 1], proof));
  });

  test('malformed sets are misuse', () => {
    const h = other();
    assert.throws(() => verifyDisjunctive(TAG, [], h, Ciphertext.zero, [], []), RangeError);
    assert.throws(() => verifyDisjunctive(TAG, [], h, Ciphertext.zero, [1, 0], []), RangeError);
    assert.throws(() => verifyDisjunctive(TAG, [], h, Ciphertext.zero, [0, 0], []), RangeError);
  });
});

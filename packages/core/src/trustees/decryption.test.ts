import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { type Ciphertext, encrypt } from '../elgamal.js';
import { toBase64Url } from '../group/bytes.js';
import { baseMul, Point, randomScalar, Scalar } from '../group/group.js';
import { initCore } from '../init.js';
import { combinePartialDecryptions, decryptTally, type VerifiedPartial } from './combine.js';
import { deterministicRandom } from './deterministic-random.js';
import { DlogTable } from './dlog.js';
import { createPartialDecryption, verifyPartialDecryption } from './partial-decryption.js';
import { lagrangeAtZero } from './polynomial.js';
import { simulateCeremony } from './simulate.js';
import type { CeremonyParams, PartialDecryption } from './types.js';

before(initCore);

const fingerprint = new Uint8Array(32).fill(9);
const paramsOf = (n: number, t: number, id = 'dec'): CeremonyParams => ({
  v: 1,
  ceremonyId: id,
  manifestHash: toBase64Url(new Uint8Array(32).fill(1)),
  n,
  t,
});

// biome-ignore lint/suspicious/noExplicitAny: tests mutate untyped JSON copies of messages on purpose
type Json = any;
const mutable = (p: PartialDecryption): Json => JSON.parse(JSON.stringify(p));

function setup(n: number, t: number, counts: readonly number[], seed: string) {
  const random = deterministicRandom(seed);
  const sim = simulateCeremony(paramsOf(n, t, seed), random);
  const h = Point.fromBase64Url(sim.key.electionKey);
  const ciphertexts = counts.map((m) => encrypt(h, Scalar.of(m), randomScalar(random)));
  const partials = sim.secrets.map((s) => createPartialDecryption(fingerprint, s, ciphertexts, random));
  return { sim, ciphertexts, partials, random };
}

function verified(
  key: Parameters<typeof verifyPartialDecryption>[1],
  cs: readonly Ciphertext[],
  p: PartialDecryption,
) {
  const r = verifyPartialDecryption(fingerprint, key, cs, p);
  assert.ok(r.ok, JSON.stringify(r));
  return r as VerifiedPartial;
}

describe('threshold decryption (protocol §8.4–8.5)', () => {
  test('property: T_0 and any t of n trustees decrypt correctly; t − 1 cannot', () => {
    const arb = fc.integer({ min: 1, max: 4 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        t: fc.integer({ min: 1, max: n }),
        counts: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 3 }),
        order: fc.shuffledSubarray(
          Array.from({ length: n }, (_, k) => k + 1),
          { minLength: n, maxLength: n },
        ),
        seed: fc.string({ maxLength: 6 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ n, t, counts, order, seed }) => {
        const { sim, ciphertexts, partials } = setup(n, t, counts, `p-${seed}`);
        const ok = (ids: number[]) =>
          decryptTally({
            fingerprint,
            key: sim.key,
            ciphertexts,
            partials: ids.map((j) => partials[j]!),
            bound: 60,
          });
        const quorum = order.slice(0, t);
        const full = ok([0, ...quorum]);
        assert.ok(full.ok, JSON.stringify(full));
        assert.deepEqual(full.counts, counts);
        assert.deepEqual(full.trustees, [0, ...[...quorum].sort((a, b) => a - b)]);
        // t − 1 Pedersen trustees: the combination refuses…
        const short = ok([0, ...order.slice(0, t - 1)]);
        assert.equal(short.ok, false);
        assert.equal(!short.ok && short.code, 'QUORUM_NOT_MET');
        // …and T_0 is mandatory even with all n.
        const noT0 = ok(order);
        assert.equal(!noT0.ok && noT0.code, 'SINGLE_TRUSTEE_MISSING');
        // Interpolating t − 1 factors anyway gives a wrong result (for t ≥ 2).
        if (t >= 2) {
          const S = order.slice(0, t - 1);
          const c = ciphertexts[0]!;
          const p0 = verified(sim.key, ciphertexts, partials[0]!).factors[0]!;
          let D = p0;
          for (const j of S)
            D = D.add(verified(sim.key, ciphertexts, partials[j]!).factors[0]!.mul(lagrangeAtZero(S, j)));
          assert.notEqual(c.beta.sub(D).toBase64Url(), baseMul(Scalar.of(counts[0]!)).toBase64Url());
        }
      }),
      { numRuns: 12 },
    );
  });

  test('tampered partial decryptions fail with distinct codes and are left out of the tally', () => {
    const { sim, ciphertexts, partials } = setup(3, 2, [5, 0, 17], 'tamper');
    const key = sim.key;
    const check = (p: unknown) => {
      const r = verifyPartialDecryption(fingerprint, key, ciphertexts, p);
      return r.ok ? 'OK' : `${r.code}@${r.trustee ?? '-'}/${r.position ?? '-'}`;
    };
    assert.equal(check(partials[1]), 'OK');
    const wrongFactor = mutable(partials[1]!);
    wrongFactor.factors[2].factor = partials[2]!.factors[2]!.factor;
    assert.equal(check(wrongFactor), 'DECRYPTION_PROOF_INVALID@1/2');
    const wrongProof = mutable(partials[2]!);
    wrongProof.factors[0].proof = partials[2]!.factors[1]!.proof;
    assert.equal(check(wrongProof), 'DECRYPTION_PROOF_INVALID@2/0');
    const claimedByOther = { ...partials[1]!, trustee: 3 };
    assert.equal(check(claimedByOther), 'DECRYPTION_PROOF_INVALID@3/0');
    assert.equal(check({ ...partials[1]!, trustee: 4 }), 'TRUSTEE_UNKNOWN@-/-');
    assert.equal(
      check({ ...partials[1]!, factors: partials[1]!.factors.slice(1) }),
      'FACTOR_COUNT_MISMATCH@1/-',
    );
    const malformed = mutable(partials[0]!);
    malformed.factors[1].factor = 'xx';
    assert.equal(check(malformed), 'PARTIAL_DECRYPTION_MALFORMED@0/-');
    assert.equal(check(null), 'PARTIAL_DECRYPTION_MALFORMED@-/-');
    // Members nobody checks are refused, at every level (no unverified data rides on the board).
    assert.equal(check({ ...partials[1]!, note: 'x' }), 'PARTIAL_DECRYPTION_MALFORMED@-/-');
    const extraFactor = mutable(partials[1]!);
    extraFactor.factors[0].extra = 1;
    assert.equal(check(extraFactor), 'PARTIAL_DECRYPTION_MALFORMED@1/-');
    const extraProof = mutable(partials[1]!);
    extraProof.factors[0].proof.w = 'x';
    assert.equal(check(extraProof), 'PARTIAL_DECRYPTION_MALFORMED@1/-');
    // Another election's fingerprint: every proof fails.
    const other = verifyPartialDecryption(new Uint8Array(32), key, ciphertexts, partials[1]);
    assert.equal(!other.ok && other.code, 'DECRYPTION_PROOF_INVALID');

    const r = decryptTally({
      fingerprint,
      key,
      ciphertexts,
      partials: [partials[0], wrongFactor, partials[2], partials[3]],
      bound: 20,
    });
    assert.ok(r.ok);
    assert.deepEqual(r.counts, [5, 0, 17]);
    assert.deepEqual(r.trustees, [0, 2, 3]);
    assert.deepEqual(
      r.rejected.map((f) => f.code),
      ['DECRYPTION_PROOF_INVALID'],
    );
    const tooFew = decryptTally({
      fingerprint,
      key,
      ciphertexts,
      partials: [partials[0], wrongFactor, partials[2]],
      bound: 20,
    });
    assert.equal(!tooFew.ok && tooFew.code, 'QUORUM_NOT_MET');
    const out = decryptTally({
      fingerprint,
      key,
      ciphertexts,
      partials,
      bound: 10,
      table: new DlogTable(10),
    });
    assert.deepEqual(!out.ok && [out.code, (out as { position?: number }).position], [
      'DLOG_OUT_OF_BOUND',
      2,
    ]);
  });

  test('combination refuses duplicates and mismatched factor lists', () => {
    const { sim, ciphertexts, partials } = setup(2, 1, [3], 'dups');
    const v = partials.map((p) => verified(sim.key, ciphertexts, p));
    const dup = combinePartialDecryptions(1, ciphertexts, [v[0]!, v[1]!, v[1]!]);
    assert.equal(!dup.ok && dup.code, 'DUPLICATE_TRUSTEE');
    const short = combinePartialDecryptions(1, ciphertexts, [v[0]!, { trustee: 2, factors: [] }]);
    assert.equal(!short.ok && short.code, 'FACTOR_COUNT_MISMATCH');
    // t = 1: T_0 plus any single trustee decrypts.
    for (const j of [1, 2]) {
      const r = combinePartialDecryptions(1, ciphertexts, [v[0]!, v[j]!]);
      assert.ok(r.ok);
      assert.ok(r.points[0]!.equals(baseMul(Scalar.of(3))));
    }
  });
});

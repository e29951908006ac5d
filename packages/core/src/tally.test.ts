import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { type Ciphertext, decryptToPoint, encrypt } from './elgamal.js';
import { baseMul, randomScalar, Scalar } from './group/group.js';
import { initCore } from './init.js';
import {
  countedBallots,
  encryptedTallyPayload,
  flattenTally,
  parseEncryptedTallyPayload,
  TallyAccumulator,
  type TallyBallot,
  tallyBallots,
} from './tally.js';

let seed = 1;
function random(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = seed >>> 24;
  }
  return out;
}

describe('homomorphic tally (protocol §9.5)', () => {
  const x = Scalar.of(123456789n);
  let h: ReturnType<typeof baseMul>;
  before(async () => {
    await initCore();
    h = baseMul(x);
  });

  const enc = (m: number): Ciphertext => encrypt(h, Scalar.of(m), randomScalar(random));
  const ballot = (credential: string, votes: number[][]): TallyBallot => ({
    credential,
    ciphertexts: votes.map((q) => q.map(enc)),
  });
  const decryptsTo = (c: Ciphertext, m: number) => decryptToPoint(x, c).equals(baseMul(Scalar.of(m)));

  test('property: the tally decrypts to the per-answer sum of the counted plaintexts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3 }),
            fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 3, maxLength: 3 }),
          ),
          {
            maxLength: 8,
          },
        ),
        (votes) => {
          const ballots = votes.map(([voter, v]) => ballot(`c${voter}`, [v, [1 - v[0]!]]));
          const r = tallyBallots([3, 1], ballots, 'last-counts');
          assert.ok(r.ok);
          const lastOf = new Map(votes.map(([voter, v]) => [voter, v]));
          const expected = [0, 1, 2].map((j) => [...lastOf.values()].reduce((s, v) => s + v[j]!, 0));
          assert.equal(r.tally.counted, lastOf.size);
          expected.forEach((m, j) => {
            assert.ok(decryptsTo(r.tally.ciphertexts[0]![j]!, m));
          });
          assert.equal(r.superseded.length, votes.length - lastOf.size);
        },
      ),
      { numRuns: 25 },
    );
  });

  test('revote policies: forbidden reports the second ballot, last-counts supersedes earlier ones', () => {
    assert.deepEqual(countedBallots(['a', 'b', 'a', 'c', 'a'], 'last-counts'), {
      ok: true,
      counted: [1, 3, 4],
      superseded: [0, 2],
    });
    assert.deepEqual(countedBallots(['a', 'b', 'a'], 'forbidden'), {
      ok: false,
      code: 'REVOTE_FORBIDDEN',
      index: 2,
      credential: 'a',
    });
  });

  test('subtracting a superseded ballot equals never adding it', () => {
    const a = ballot('a', [[1, 0]]);
    const b = ballot('a', [[0, 1]]);
    const acc = new TallyAccumulator([2]);
    acc.add(a.ciphertexts);
    acc.add(b.ciphertexts);
    acc.subtract(a.ciphertexts);
    const t = acc.result();
    assert.equal(t.counted, 1);
    assert.ok(t.ciphertexts[0]![0]!.equals(b.ciphertexts[0]![0]!));
    assert.throws(() => acc.add([[enc(1)]]), RangeError);
  });

  test('payload round trip and strict parsing', () => {
    const r = tallyBallots([2, 1], [ballot('a', [[1, 0], [1]]), ballot('b', [[1, 1], [0]])], 'forbidden');
    assert.ok(r.ok);
    const payload = JSON.parse(JSON.stringify(encryptedTallyPayload(r.tally)));
    const parsed = parseEncryptedTallyPayload(payload, [2, 1]);
    assert.ok(parsed.ok);
    assert.deepEqual(
      flattenTally(parsed.tally).map((c) => c.toJSON()),
      flattenTally(r.tally).map((c) => c.toJSON()),
    );
    assert.ok(decryptsTo(flattenTally(parsed.tally)[0]!, 2));
    for (const bad of [
      null,
      { ...payload, v: 2 },
      { ...payload, counted: -1 },
      { ...payload, extra: 1 },
      { ...payload, ciphertexts: [payload.ciphertexts[0]] },
      { ...payload, ciphertexts: [payload.ciphertexts[0], [{ alpha: 'x', beta: 'y' }]] },
    ]) {
      assert.equal(parseEncryptedTallyPayload(bad, [2, 1]).ok, false, JSON.stringify(bad));
    }
    assert.equal(parseEncryptedTallyPayload(payload, [1, 1]).ok, false);
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { deterministicRandom, question, REFERENCE_MANIFEST } from '../../test/ballot-fixtures.js';
import { type CredentialKey, deriveCredentialKey, generateCredential } from '../credentials.js';
import { type ElectionParams, electionFingerprint, electionFingerprintBytes } from '../election.js';
import { Ciphertext, decryptToPoint, encrypt } from '../elgamal.js';
import { toBase64Url } from '../group/bytes.js';
import {
  baseMul,
  GROUP_ORDER,
  groupBackend,
  Point,
  randomScalar,
  Scalar,
  setGroupBackend,
} from '../group/group.js';
import { nobleBackend } from '../group/noble-backend.js';
import { initCore } from '../init.js';
import { allowedSums, type Manifest } from '../manifest.js';
import { proveDisjunctive } from '../proofs/disjunctive.js';
import { TAGS } from '../tags.js';
import { checkSelection, encryptBallot, encryptUnsignedBallot, type Selection } from './encrypt.js';
import { CHOICE_SET, choiceProofContext, overallProofContext } from './proof-context.js';
import {
  type Ballot,
  type BallotJson,
  ballotToJSON,
  decodeBallot,
  type UnsignedBallot,
} from './serialize.js';
import { signBallot } from './sign.js';
import { ballotTracker } from './tracker.js';
import { verifyBallot } from './verify.js';

const rnd = deterministicRandom('ballot-test');
let x: Scalar;
let params: ElectionParams;
let key: CredentialKey;

before(async () => {
  await initCore();
  x = randomScalar(rnd);
  params = { v: 1, manifest: REFERENCE_MANIFEST, publicKey: baseMul(x) };
  key = deriveCredentialKey(generateCredential(rnd), REFERENCE_MANIFEST.id);
});

function assertDecrypts(ballot: Ballot, choices: Selection): void {
  for (let i = 0; i < ballot.answers.length; i++) {
    const cts = ballot.answers[i]!.choices;
    for (let j = 0; j < cts.length; j++) {
      assert.ok(decryptToPoint(x, cts[j]!).equals(baseMul(Scalar.of(choices[i]![j]!))));
    }
  }
}

const toJson = (b: Ballot): BallotJson => JSON.parse(JSON.stringify(ballotToJSON(b)));

function paramsFor(manifest: Manifest): ElectionParams {
  return { v: 1, manifest, publicKey: params.publicKey };
}

function expectFailure(p: ElectionParams, json: unknown, code: string, path?: string): void {
  const r = verifyBallot(p, json);
  assert.equal(r.ok, false, `expected ${code}`);
  if (!r.ok) {
    assert.equal(r.code, code, `${r.code} at ${r.path}: ${r.message}`);
    if (path !== undefined) assert.equal(r.path, path);
  }
}

/** Re-sign an altered ballot JSON with the voter's key: what a cheating voter (or booth) can do. */
function resign(p: ElectionParams, json: BallotJson, k: CredentialKey = key): BallotJson {
  const d = decodeBallot(json);
  assert.ok(d.ok);
  return toJson(signBallot(p, { ...d.ballot, credential: k.publicCredential }, k, rnd));
}

/** Every string leaf of a JSON value with its path and a setter on a deep copy. */
function leaves(json: unknown, path = '$'): { path: string; value: string }[] {
  if (typeof json === 'string') return [{ path, value: json }];
  if (Array.isArray(json)) return json.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (json && typeof json === 'object')
    return Object.entries(json).flatMap(([k, v]) => leaves(v, `${path}.${k}`));
  return [];
}

function setLeaf(json: BallotJson, path: string, value: string): BallotJson {
  const copy = JSON.parse(JSON.stringify(json));
  const parts = path.slice(2).match(/[^.[\]]+/g)!;
  let o = copy;
  for (const p of parts.slice(0, -1)) o = o[p];
  o[parts.at(-1)!] = value;
  return copy;
}

/** A different valid value of the same kind as `value` at `path`. */
function altered(path: string, value: string): string {
  if (/\.(alpha|beta|credential)$/.test(path)) return baseMul(randomScalar(rnd)).toBase64Url();
  if (/\.(c|z)$/.test(path)) return Scalar.fromBase64Url(value).add(Scalar.one).toBase64Url();
  return toBase64Url(new Uint8Array(32).fill(9));
}

describe('ballots (protocol §7)', () => {
  test('an honest ballot verifies, round-trips through JSON and decrypts to the selection', () => {
    const choices: Selection = [
      [0, 1, 0],
      [1, 0, 0, 1, 0],
    ];
    const { ballot, secrets } = encryptBallot({ params, credential: key, choices, random: rnd });
    const json = toJson(ballot);
    const r = verifyBallot(params, json);
    assert.ok(r.ok, r.ok ? '' : `${r.code} ${r.path}`);
    assert.deepEqual(r.tracker, ballotTracker(ballot));
    assert.equal(r.tracker.hash, secrets.tracker);
    assert.deepEqual(ballotToJSON(r.ballot), json);
    assert.equal(json.election, electionFingerprint(params));
    assertDecrypts(ballot, choices);
  });

  test('the secret credential string and its derived key make the same public credential', () => {
    const secret = generateCredential(rnd);
    const { ballot } = encryptBallot({
      params,
      credential: secret,
      choices: [
        [1, 0, 0],
        [0, 0, 0, 0, 0],
      ],
      random: rnd,
    });
    assert.ok(ballot.credential.equals(deriveCredentialKey(secret, REFERENCE_MANIFEST.id).publicCredential));
    assert.ok(verifyBallot(params, toJson(ballot)).ok);
  });

  test('random manifests and valid selections: verify and decrypt (property)', () => {
    const questionArb = fc
      .record({ n: fc.integer({ min: 1, max: 4 }), a: fc.nat(), b: fc.nat(), blank: fc.boolean() })
      .map(({ n, a, b, blank }) => {
        const max = 1 + (a % n);
        return { n, min: b % (max + 1), max, blank };
      });
    fc.assert(
      fc.property(fc.array(questionArb, { minLength: 1, maxLength: 2 }), fc.nat(), (qs, seed) => {
        const manifest: Manifest = {
          v: 1,
          id: 'prop',
          title: 'Property',
          questions: qs.map((q, i) => question(`q${i}`, q.n, q.min, q.max, q.blank)),
        };
        const choices = manifest.questions.map((q, i) => {
          const sums = allowedSums(q);
          const count = sums[(seed + i) % sums.length]!;
          return Array.from({ length: q.answers.length }, (_, j) =>
            (j + seed) % q.answers.length < count ? 1 : 0,
          );
        });
        const p = paramsFor(manifest);
        const { ballot } = encryptBallot({ params: p, credential: key, choices, random: rnd });
        const r = verifyBallot(p, toJson(ballot));
        assert.ok(r.ok);
        assertDecrypts(ballot, choices);
      }),
      { numRuns: 8 },
    );
  });

  test('every selection of every min/max/blank edge case is accepted or refused as the rules say', () => {
    const cases: [number, number, number, boolean][] = [
      [3, 1, 1, true],
      [3, 1, 1, false],
      [3, 0, 3, false],
      [2, 2, 2, false],
      [4, 2, 3, true],
      [1, 1, 1, false],
      [1, 0, 1, true],
    ];
    for (const [n, min, max, blank] of cases) {
      const manifest: Manifest = {
        v: 1,
        id: 'edge',
        title: 'Edge',
        questions: [question('q', n, min, max, blank)],
      };
      const p = paramsFor(manifest);
      for (let mask = 0; mask < 1 << n; mask++) {
        const row = Array.from({ length: n }, (_, j) => (mask >> j) & 1);
        const sum = row.reduce((a, b) => a + b, 0);
        const allowed = (sum >= min && sum <= max) || (blank && sum === 0);
        const check = checkSelection(manifest, [row]);
        assert.equal(check.ok, allowed, `${n} ${min}..${max} blank=${blank} row=${row}`);
        if (allowed) {
          const { ballot } = encryptBallot({ params: p, credential: key, choices: [row], random: rnd });
          assert.ok(verifyBallot(p, toJson(ballot)).ok);
        } else {
          assert.equal(!check.ok && check.code, sum > max ? 'SELECTION_TOO_MANY' : 'SELECTION_TOO_FEW');
          assert.throws(
            () => encryptBallot({ params: p, credential: key, choices: [row], random: rnd }),
            RangeError,
          );
        }
      }
    }
  });

  test('malformed selections are reported', () => {
    const m = REFERENCE_MANIFEST;
    assert.equal((checkSelection(m, [[1, 0, 0]]) as { code: string }).code, 'SELECTION_WRONG_SHAPE');
    assert.equal(
      (
        checkSelection(m, [
          [1, 0],
          [0, 0, 0, 0, 0],
        ]) as { code: string }
      ).code,
      'SELECTION_WRONG_SHAPE',
    );
    assert.equal(
      (
        checkSelection(m, [
          [2, 0, 0],
          [0, 0, 0, 0, 0],
        ]) as { code: string }
      ).code,
      'SELECTION_NOT_BINARY',
    );
  });

  test('changing any single field fails: signature first, election as such', () => {
    const { ballot } = encryptBallot({
      params,
      credential: key,
      choices: [
        [0, 0, 1],
        [0, 1, 1, 0, 0],
      ],
      random: rnd,
    });
    const json = toJson(ballot);
    const all = leaves(json);
    assert.equal(all.length, 2 + 8 * 2 + 8 * 4 + 5 * 2 + 2);
    for (const { path, value } of all) {
      const bad = setLeaf(json, path, altered(path, value));
      if (path === '$.election') expectFailure(params, bad, 'BALLOT_WRONG_ELECTION', '$.election');
      else expectFailure(params, bad, 'BALLOT_BAD_SIGNATURE', '$.signature');
    }
  });

  test('a cheating signer cannot change ciphertexts or proofs: the proofs fail at the right place', () => {
    const { ballot } = encryptBallot({
      params,
      credential: key,
      choices: [
        [1, 0, 0],
        [0, 0, 0, 0, 0],
      ],
      random: rnd,
    });
    const json = toJson(ballot);
    for (const { path, value } of leaves(json.answers, '$.answers')) {
      const bad = resign(params, setLeaf(json, path, altered(path, value)));
      const m = /^\$\.answers\[(\d+)\]\.(choices|proofs|overall)(?:\[(\d+)\])?/.exec(path)!;
      const [i, kind, j] = [m[1], m[2], m[3]];
      if (kind === 'overall')
        expectFailure(params, bad, 'BALLOT_BAD_OVERALL_PROOF', `$.answers[${i}].overall`);
      else expectFailure(params, bad, 'BALLOT_BAD_CHOICE_PROOF', `$.answers[${i}].proofs[${j}]`);
    }
  });

  test('a ballot copied to another credential or election fails', () => {
    const { ballot } = encryptBallot({
      params,
      credential: key,
      choices: [
        [0, 1, 0],
        [0, 0, 0, 0, 1],
      ],
      random: rnd,
    });
    const json = toJson(ballot);
    const thief = deriveCredentialKey(generateCredential(rnd), REFERENCE_MANIFEST.id);
    // Swap the credential only: the signature no longer verifies.
    expectFailure(
      params,
      { ...json, credential: thief.publicCredential.toBase64Url() },
      'BALLOT_BAD_SIGNATURE',
    );
    // Re-signed by the thief: the proofs are bound to the original credential.
    expectFailure(params, resign(params, json, thief), 'BALLOT_BAD_CHOICE_PROOF', '$.answers[0].proofs[0]');
    // Another election (another key): refused as such, and re-labelled + re-signed it fails its proofs.
    const other: ElectionParams = { ...params, publicKey: baseMul(randomScalar(rnd)) };
    expectFailure(other, json, 'BALLOT_WRONG_ELECTION', '$.election');
    const relabelled = resign(other, { ...json, election: electionFingerprint(other) });
    expectFailure(other, relabelled, 'BALLOT_BAD_CHOICE_PROOF', '$.answers[0].proofs[0]');
  });

  test('over-votes, under-votes and non-binary choices cannot be proven', () => {
    const fp = electionFingerprintBytes(params);
    const h = params.publicKey;
    // Build a ballot from arbitrary plaintexts with honest proofs wherever the statement is true and
    // the "best" false proofs otherwise (claiming each branch), then sign it.
    const cheat = (rows: number[][], claim: number): BallotJson => {
      const answers = params.manifest.questions.map((q, i) => {
        const rs = rows[i]!.map(() => randomScalar(rnd));
        const cts = rows[i]!.map((m, j) => encrypt(h, Scalar.of(m), rs[j]!));
        const proofs = rows[i]!.map((m, j) =>
          proveDisjunctive(
            TAGS.choiceProof,
            choiceProofContext(fp, key.publicCredential, i, j),
            h,
            cts[j]!,
            CHOICE_SET,
            Math.min(m, 1),
            rs[j]!,
            rnd,
          ),
        );
        const set = allowedSums(q);
        const sum = rows[i]!.reduce((a, b) => a + b, 0);
        const idx = set.includes(sum) ? set.indexOf(sum) : claim % set.length;
        const total = cts.reduce((a, b) => a.add(b), Ciphertext.zero);
        const rTotal = rs.reduce((a, b) => a.add(b), Scalar.zero);
        const overall = proveDisjunctive(
          TAGS.overallProof,
          overallProofContext(fp, key.publicCredential, i),
          h,
          total,
          set,
          idx,
          rTotal,
          rnd,
        );
        return { choices: cts, proofs, overall };
      });
      const unsigned: UnsignedBallot = {
        v: 1,
        election: electionFingerprint(params),
        credential: key.publicCredential,
        answers,
      };
      return toJson(signBallot(params, unsigned, key, rnd));
    };
    for (const claim of [0, 1, 2]) {
      expectFailure(
        params,
        cheat(
          [
            [1, 1, 0],
            [0, 0, 0, 0, 0],
          ],
          claim,
        ),
        'BALLOT_BAD_OVERALL_PROOF',
        '$.answers[0].overall',
      );
      expectFailure(
        params,
        cheat(
          [
            [0, 0, 0],
            [1, 1, 1, 0, 0],
          ],
          claim,
        ),
        'BALLOT_BAD_OVERALL_PROOF',
        '$.answers[1].overall',
      );
    }
    // Exactly-one question with blank: 0 is allowed (blank) but the second question under-/over-votes.
    const exactlyTwo: Manifest = { v: 1, id: 'x', title: 'x', questions: [question('q', 3, 2, 2, false)] };
    const p2 = paramsFor(exactlyTwo);
    const fp2 = electionFingerprintBytes(p2);
    const rs = [randomScalar(rnd), randomScalar(rnd), randomScalar(rnd)];
    const cts = [1, 0, 0].map((m, j) => encrypt(h, Scalar.of(m), rs[j]!));
    const proofs = [1, 0, 0].map((m, j) =>
      proveDisjunctive(
        TAGS.choiceProof,
        choiceProofContext(fp2, key.publicCredential, 0, j),
        h,
        cts[j]!,
        CHOICE_SET,
        m,
        rs[j]!,
        rnd,
      ),
    );
    const total = cts.reduce((a, b) => a.add(b), Ciphertext.zero);
    const overall = proveDisjunctive(
      TAGS.overallProof,
      overallProofContext(fp2, key.publicCredential, 0),
      h,
      total,
      [2],
      0,
      rs[0]!.add(rs[1]!).add(rs[2]!),
      rnd,
    );
    const under: UnsignedBallot = {
      v: 1,
      election: electionFingerprint(p2),
      credential: key.publicCredential,
      answers: [{ choices: cts, proofs, overall }],
    };
    expectFailure(p2, toJson(signBallot(p2, under, key, rnd)), 'BALLOT_BAD_OVERALL_PROOF');
    // A choice encrypting 2 keeps the sum allowed (0..2) but its 0/1 proof cannot be made.
    expectFailure(
      params,
      cheat(
        [
          [1, 0, 0],
          [2, 0, 0, 0, 0],
        ],
        0,
      ),
      'BALLOT_BAD_CHOICE_PROOF',
      '$.answers[1].proofs[0]',
    );
  });

  test('malformed input is reported with codes and paths, never thrown', () => {
    const { ballot } = encryptBallot({
      params,
      credential: key,
      choices: [
        [0, 1, 0],
        [0, 0, 0, 0, 0],
      ],
      random: rnd,
    });
    const json = toJson(ballot);
    expectFailure(params, null, 'BALLOT_MALFORMED', '$');
    expectFailure(params, 'ballot', 'BALLOT_MALFORMED', '$');
    expectFailure(params, [], 'BALLOT_MALFORMED', '$');
    expectFailure(params, { ...json, v: 2 }, 'BALLOT_UNSUPPORTED_VERSION', '$.v');
    expectFailure(params, { ...json, extra: 1 }, 'BALLOT_MALFORMED', '$.extra');
    const { signature: _s, ...unsigned } = json;
    expectFailure(params, unsigned, 'BALLOT_MALFORMED', '$');
    expectFailure(params, { ...json, credential: 'A'.repeat(43) }, 'POINT_INVALID', '$.credential');
    expectFailure(
      params,
      { ...json, credential: Point.identity.toBase64Url() },
      'POINT_INVALID',
      '$.credential',
    );
    expectFailure(
      params,
      setLeaf(json, '$.answers[1].choices[2].beta', '////'),
      'POINT_INVALID',
      '$.answers[1].choices[2].beta',
    );
    const big = new Uint8Array(32);
    let v = GROUP_ORDER;
    for (let i = 0; i < 32; i++, v >>= 8n) big[i] = Number(v & 0xffn);
    expectFailure(
      params,
      setLeaf(json, '$.answers[0].proofs[1][0].z', toBase64Url(big)),
      'SCALAR_INVALID',
      '$.answers[0].proofs[1][0].z',
    );
    expectFailure(params, { ...json, answers: json.answers.slice(0, 1) }, 'BALLOT_MALFORMED', '$.answers');
    const fewer = JSON.parse(JSON.stringify(json));
    fewer.answers[1].choices.pop();
    expectFailure(params, fewer, 'BALLOT_MALFORMED', '$.answers[1].choices');
    const short = JSON.parse(JSON.stringify(json));
    short.answers[0].overall.pop();
    expectFailure(params, short, 'BALLOT_MALFORMED', '$.answers[0].overall');
    const branch = JSON.parse(JSON.stringify(json));
    branch.answers[0].proofs[2].push(branch.answers[0].proofs[2][0]);
    expectFailure(params, branch, 'BALLOT_MALFORMED', '$.answers[0].proofs[2]');
    expectFailure(
      params,
      { ...json, answers: new Array(60).fill(json.answers[0]) },
      'BALLOT_MALFORMED',
      '$.answers',
    );
    fc.assert(
      fc.property(fc.jsonValue(), (junk) => {
        const r = verifyBallot(params, junk);
        assert.equal(r.ok, false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('backend independence', () => {
  test('a ballot made with libsodium verifies with the pure-JS noble backend, and vice versa', () => {
    const choices: Selection = [
      [0, 0, 1],
      [0, 1, 0, 0, 1],
    ];
    const sodiumBallot = toJson(encryptBallot({ params, credential: key, choices, random: rnd }).ballot);
    const sodium = groupBackend();
    setGroupBackend(nobleBackend());
    try {
      const r = verifyBallot(params, sodiumBallot);
      assert.ok(r.ok);
      const nobleBallot = toJson(encryptBallot({ params, credential: key, choices, random: rnd }).ballot);
      setGroupBackend(sodium);
      assert.deepEqual(verifyBallot(params, nobleBallot).ok, true);
    } finally {
      setGroupBackend(sodium);
    }
  });
});

describe('ballot encryption without signature', () => {
  test('encryptUnsignedBallot + signBallot equals a ballot that verifies; a foreign key cannot sign', () => {
    const { ballot } = encryptUnsignedBallot(
      params,
      key.publicCredential,
      [
        [0, 0, 0],
        [0, 0, 0, 0, 0],
      ],
      rnd,
    );
    const signed = signBallot(params, ballot, key, rnd);
    assert.ok(verifyBallot(params, toJson(signed)).ok);
    const other = deriveCredentialKey(generateCredential(rnd), 'x');
    assert.throws(() => signBallot(params, ballot, other, rnd), TypeError);
  });
});

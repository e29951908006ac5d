import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { deterministicRandom, REFERENCE_MANIFEST } from '../../test/ballot-fixtures.js';
import { deriveCredentialKey, generateCredential } from '../credentials.js';
import type { ElectionParams } from '../election.js';
import { baseMul, randomScalar, type Scalar } from '../group/group.js';
import { initCore } from '../init.js';
import { openBallot, verifyOpenedBallot } from './challenge.js';
import { encryptBallot, encryptUnsignedBallot } from './encrypt.js';
import { ballotToJSON } from './serialize.js';
import { signBallot } from './sign.js';
import { ballotCiphertextsHash, isSameBallot } from './tracker.js';

const rnd = deterministicRandom('challenge-test');
let params: ElectionParams;

before(async () => {
  await initCore();
  params = { v: 1, manifest: REFERENCE_MANIFEST, publicKey: baseMul(randomScalar(rnd)) };
});

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe('Benaloh challenge (protocol §7.6)', () => {
  const choices = [
    [0, 0, 1],
    [1, 0, 0, 0, 1],
  ];

  function fresh() {
    const key = deriveCredentialKey(generateCredential(rnd), REFERENCE_MANIFEST.id);
    const { ballot, secrets } = encryptBallot({ params, credential: key, choices, random: rnd });
    return {
      key,
      ballot,
      secrets,
      ballotJson: json(ballotToJSON(ballot)),
      opening: json(openBallot(secrets)),
    };
  }

  test('an honest opening verifies and reveals the choices', () => {
    const { ballotJson, opening } = fresh();
    const r = verifyOpenedBallot(params, ballotJson, opening);
    assert.ok(r.ok);
    assert.deepEqual(r.choices, choices);
    assert.equal(r.tracker.hash, opening.tracker);
  });

  test('a booth that encrypted something else is caught', () => {
    const { ballotJson, opening } = fresh();
    // The booth claims the voter's choices but had encrypted others: swap the revealed choice.
    const lie = { ...opening, choices: [[0, 1, 0], choices[1]] };
    const r = verifyOpenedBallot(params, ballotJson, lie);
    assert.equal(r.ok, false);
    if (!r.ok) assert.deepEqual([r.code, r.path], ['OPENING_MISMATCH', '$.choices[0][1]']);
    const badR = json(opening);
    (badR.randomness[1] as string[])[4] = randomScalar(rnd).toBase64Url();
    const r2 = verifyOpenedBallot(params, ballotJson, badR);
    assert.equal(!r2.ok && r2.code, 'OPENING_MISMATCH');
  });

  test('malformed openings and openings of another ballot are reported', () => {
    const a = fresh();
    const b = fresh();
    const codeOf = (ballot: unknown, opening: unknown) => {
      const r = verifyOpenedBallot(params, ballot, opening);
      return r.ok ? 'OK' : r.code;
    };
    assert.equal(codeOf(a.ballotJson, b.opening), 'OPENING_WRONG_BALLOT');
    assert.equal(codeOf(a.ballotJson, null), 'OPENING_MALFORMED');
    assert.equal(codeOf(a.ballotJson, { ...a.opening, v: 2 }), 'OPENING_MALFORMED');
    assert.equal(codeOf(a.ballotJson, { ...a.opening, extra: 1 }), 'OPENING_MALFORMED');
    assert.equal(
      codeOf(a.ballotJson, { ...a.opening, choices: [[1, 1, 0], choices[1]] }),
      'OPENING_MALFORMED',
    );
    assert.equal(
      codeOf(a.ballotJson, { ...a.opening, randomness: [a.opening.randomness[0]] }),
      'OPENING_MALFORMED',
    );
    const nonCanonical = json(a.opening);
    (nonCanonical.randomness[0] as string[])[0] = 'not-a-scalar!';
    assert.equal(codeOf(a.ballotJson, nonCanonical), 'OPENING_MALFORMED');
    // The ballot itself is checked first.
    assert.equal(
      codeOf({ ...a.ballotJson, signature: b.ballotJson.signature }, a.opening),
      'BALLOT_BAD_SIGNATURE',
    );
  });

  test('a challenged ballot stays recognisable even re-signed or re-proven', () => {
    const a = fresh();
    const resigned = signBallot(params, a.ballot, a.key, rnd);
    assert.notDeepEqual(ballotToJSON(resigned).signature, ballotToJSON(a.ballot).signature);
    assert.ok(isSameBallot(resigned, a.ballot));
    const again = encryptUnsignedBallot(params, a.key.publicCredential, choices, rnd).ballot;
    assert.equal(isSameBallot(again, a.ballot), false, 'fresh randomness makes a new ballot');
    assert.match(ballotCiphertextsHash(a.ballot), /^[A-Za-z0-9_-]{43}$/);
  });

  test('the opening reveals the encryption randomness as scalars', () => {
    const { secrets, opening } = fresh();
    assert.deepEqual(
      opening.randomness,
      secrets.randomness.map((row) => row.map((r: Scalar) => r.toBase64Url())),
    );
  });
});

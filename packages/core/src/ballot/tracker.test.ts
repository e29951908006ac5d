import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { deterministicRandom, REFERENCE_MANIFEST } from '../../test/ballot-fixtures.js';
import { canonicalJson } from '../codec/canonical-json.js';
import { deriveCredentialKey, generateCredential } from '../credentials.js';
import { toBase64Url, utf8 } from '../group/bytes.js';
import { baseMul, randomScalar } from '../group/group.js';
import { sha256 } from '../group/hash.js';
import { initCore } from '../init.js';
import { encryptBallot } from './encrypt.js';
import { ballotToJSON, canonicalBallot } from './serialize.js';
import { ballotJsonTracker, ballotTracker, shortTrackerCode, TRACKER_ALPHABET } from './tracker.js';

before(initCore);

describe('trackers (protocol §7.5)', () => {
  test('the tracker is SHA-256 of the canonical ballot JSON, whatever the key order', () => {
    const rnd = deterministicRandom('tracker-test');
    const params = { v: 1 as const, manifest: REFERENCE_MANIFEST, publicKey: baseMul(randomScalar(rnd)) };
    const key = deriveCredentialKey(generateCredential(rnd), REFERENCE_MANIFEST.id);
    const { ballot } = encryptBallot({
      params,
      credential: key,
      choices: [
        [1, 0, 0],
        [0, 0, 0, 0, 0],
      ],
      random: rnd,
    });
    const t = ballotTracker(ballot);
    assert.equal(t.hash, toBase64Url(sha256(utf8(canonicalBallot(ballot)))));
    assert.equal(canonicalBallot(ballot), canonicalJson(ballotToJSON(ballot)));
    const json = ballotToJSON(ballot);
    const reordered = {
      signature: json.signature,
      answers: json.answers,
      credential: json.credential,
      election: json.election,
      v: 1 as const,
    };
    assert.deepEqual(ballotJsonTracker(reordered), t);
    assert.ok(canonicalBallot(ballot).startsWith('{"answers":[{"choices":[{"alpha":"'));
  });

  test('short code: first 50 bits in Crockford base32, grouped 5-5', () => {
    assert.equal(shortTrackerCode(new Uint8Array(32)), '00000-00000');
    assert.equal(shortTrackerCode(new Uint8Array(32).fill(0xff)), 'ZZZZZ-ZZZZZ');
    // 08 86 42 98 e8 7f = 00001 00010 00011 00100 00101 00110 00111 01000 01111 11100 …
    assert.equal(shortTrackerCode(new Uint8Array([0x08, 0x86, 0x42, 0x98, 0xe8, 0x7f, 0, 0])), '12345-678FW');
    assert.equal(TRACKER_ALPHABET.length, 32);
  });
});

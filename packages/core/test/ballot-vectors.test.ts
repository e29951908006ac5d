/**
 * Known-answer vectors for credentials, disjunctive proofs and ballots. The stored files are
 * (1) regenerated from their seeds and compared byte for byte, and (2) verified on their own, with
 * only the stored data, as an independent implementation would. Regenerate after a deliberate
 * protocol change with `UPDATE_VECTORS=1 node scripts/run-tests.mjs packages/core/test/ballot-vectors.test.ts`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { verifyOpenedBallot } from '../src/ballot/challenge.js';
import { choiceProofContext } from '../src/ballot/proof-context.js';
import { verifyBallot } from '../src/ballot/verify.js';
import { deriveCredentialKey, parseCredential } from '../src/credentials.js';
import { electionFingerprint, parseElectionParams } from '../src/election.js';
import { Ciphertext, decryptToPoint } from '../src/elgamal.js';
import { fromBase64Url } from '../src/group/bytes.js';
import { baseMul, Point, Scalar } from '../src/group/group.js';
import { initCore } from '../src/init.js';
import { manifestHash } from '../src/manifest.js';
import { verifyDisjunctive } from '../src/proofs/disjunctive.js';
import { TAGS } from '../src/tags.js';
import { generateBallotVectorFiles } from './ballot-vectors.js';

const DIR = join(import.meta.dirname, 'vectors');

before(initCore);

const load = (name: string) => JSON.parse(readFileSync(join(DIR, name), 'utf8'));

describe('ballot known-answer vectors', () => {
  test('regenerating from the seeds reproduces the stored files byte for byte', () => {
    const files = generateBallotVectorFiles();
    for (const [name, text] of Object.entries(files)) {
      if (process.env.UPDATE_VECTORS === '1') writeFileSync(join(DIR, name), text);
      assert.equal(readFileSync(join(DIR, name), 'utf8'), text, name);
    }
  });

  test('stored credentials parse and derive to the stored scalars and points', () => {
    const v = load('ballot-credentials.json');
    for (const c of v.credentials) {
      assert.ok(parseCredential(c.secret).ok);
      const key = deriveCredentialKey(c.secret, v.electionId);
      assert.equal(key.secret.toBase64Url(), c.scalar);
      assert.equal(key.publicCredential.toBase64Url(), c.publicCredential);
    }
  });

  test('stored disjunctive proofs verify, and their ciphertexts decrypt to the stated plaintexts', () => {
    const v = load('ballot-proofs.json');
    const h = Point.fromBase64Url(v.publicKey);
    const x = Scalar.fromBase64Url(v.secretKey);
    assert.ok(baseMul(x).equals(h));
    for (const p of v.proofs) {
      const ct = Ciphertext.fromJSON(p.ciphertext);
      const context = choiceProofContext(
        fromBase64Url(v.fingerprint),
        Point.fromBase64Url(v.credential),
        p.question,
        p.choice,
      );
      const proof = p.proof.map((b: { c: string; z: string }) => ({
        c: Scalar.fromBase64Url(b.c),
        z: Scalar.fromBase64Url(b.z),
      }));
      assert.ok(verifyDisjunctive(v.tag, context, h, ct, p.set, proof));
      assert.equal(verifyDisjunctive(TAGS.overallProof, context, h, ct, p.set, proof), false);
      assert.ok(decryptToPoint(x, ct).equals(baseMul(Scalar.of(p.plaintext))));
    }
  });

  test('stored ballots verify with their trackers, openings and plaintexts', () => {
    const v = load('ballot-reference.json');
    const parsed = parseElectionParams(v.election);
    assert.ok(parsed.ok);
    const params = parsed.params;
    assert.equal(electionFingerprint(params), v.fingerprint);
    assert.equal(manifestHash(params.manifest), v.manifestHash);
    const x = Scalar.fromBase64Url(v.secretKey);
    for (const b of v.ballots) {
      const r = verifyBallot(params, b.ballot);
      assert.ok(r.ok);
      assert.deepEqual(r.tracker, b.tracker);
      assert.equal(b.ballot.credential, v.credential.publicCredential);
      const opened = verifyOpenedBallot(params, b.ballot, b.opening);
      assert.ok(opened.ok);
      assert.deepEqual(opened.choices, b.choices);
      r.ballot.answers.forEach((a, i) => {
        a.choices.forEach((ct, j) => {
          assert.ok(decryptToPoint(x, ct).equals(baseMul(Scalar.of(b.choices[i][j]))));
        });
      });
    }
  });
});

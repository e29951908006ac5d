import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  baseMul,
  createPartialDecryption,
  decodeThresholdKey,
  decryptTally,
  deterministicRandom,
  encrypt,
  initCore,
  Point,
  randomScalar,
  Scalar,
  simulateCeremony,
  verifyPartialDecryption,
} from '@electra/core';
import { decryptInSlices, partialDecryptionInSlices, verifyPartialInSlices } from './chunked-decryption.js';

before(initCore);

test('sliced partial decryptions equal the whole: verified by the core, failures at whole-list positions', async () => {
  const random = deterministicRandom('chunked-decryption');
  const ceremony = simulateCeremony(
    { v: 1, ceremonyId: 'c', manifestHash: 'A'.repeat(43), n: 1, t: 1 },
    random,
  );
  const key = decodeThresholdKey(ceremony.key);
  const fingerprint = new Uint8Array(32).fill(3);
  // 150 ciphertexts: three slices, the last one short
  const ciphertexts = Array.from({ length: 150 }, (_, i) =>
    encrypt(key.electionKey, Scalar.of(i % 2), randomScalar(random)),
  );
  const own = await partialDecryptionInSlices(fingerprint, ceremony.secrets[0], ciphertexts, random);
  assert.equal(own.factors.length, 150);
  assert.equal(own.trustee, 0);
  assert.equal(verifyPartialDecryption(fingerprint, key, ciphertexts, own).ok, true);
  const sliced = await verifyPartialInSlices(fingerprint, key, ciphertexts, own);
  assert.ok(sliced.ok);
  const whole = verifyPartialDecryption(fingerprint, key, ciphertexts, own);
  assert.ok(whole.ok);
  assert.ok(sliced.factors.every((f, k) => f.equals(whole.factors[k]!)));

  const wrong = baseMul(Scalar.one).add(Point.fromBase64Url(own.factors[100]!.factor)).toBase64Url();
  const forged = { ...own, factors: own.factors.map((f, k) => (k === 100 ? { ...f, factor: wrong } : f)) };
  const bad = await verifyPartialInSlices(fingerprint, key, ciphertexts, forged);
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.code, 'DECRYPTION_PROOF_INVALID');
  assert.equal(!bad.ok && bad.position, 100);
  const short = await verifyPartialInSlices(fingerprint, key, ciphertexts, {
    ...own,
    factors: own.factors.slice(1),
  });
  assert.equal(!short.ok && short.code, 'FACTOR_COUNT_MISMATCH');
});

test('decryptInSlices gives the core decryptTally counts and reports the same refusals', async () => {
  const random = deterministicRandom('chunked-decrypt-tally');
  const ceremony = simulateCeremony(
    { v: 1, ceremonyId: 'd', manifestHash: 'A'.repeat(43), n: 2, t: 1 },
    random,
  );
  const key = decodeThresholdKey(ceremony.key);
  const fingerprint = new Uint8Array(32).fill(5);
  const plain = Array.from({ length: 130 }, (_, i) => (i * 7) % 10);
  const ciphertexts = plain.map((m) => encrypt(key.electionKey, Scalar.of(m), randomScalar(random)));
  const partials = [0, 2].map((j) =>
    createPartialDecryption(fingerprint, ceremony.secrets[j]!, ciphertexts, random),
  );
  const sliced = await decryptInSlices({ fingerprint, key, ciphertexts, partials, bound: 9 });
  const core = decryptTally({ fingerprint, key, ciphertexts, partials, bound: 9 });
  assert.ok(sliced.ok && core.ok);
  assert.deepEqual(sliced.counts, plain);
  assert.deepEqual(sliced.counts, core.counts);
  assert.deepEqual(sliced.trustees, [0, 2]);
  const noT0 = await decryptInSlices({
    fingerprint,
    key,
    ciphertexts,
    partials: partials.slice(1),
    bound: 9,
  });
  assert.equal(!noT0.ok && noT0.code, 'SINGLE_TRUSTEE_MISSING');
  const tooSmall = await decryptInSlices({ fingerprint, key, ciphertexts, partials, bound: 8 });
  assert.equal(!tooSmall.ok && tooSmall.code, 'DLOG_OUT_OF_BOUND');
});

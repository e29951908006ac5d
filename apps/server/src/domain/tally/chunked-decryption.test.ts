import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  baseMul,
  decodeThresholdKey,
  deterministicRandom,
  encrypt,
  initCore,
  Point,
  randomScalar,
  Scalar,
  simulateCeremony,
  verifyPartialDecryption,
} from '@electra/core';
import { partialDecryptionInSlices, verifyPartialInSlices } from './chunked-decryption.js';

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

/**
 * Known-answer vectors for the trustee ceremony and decryption (protocol §8). The stored files are
 * (1) regenerated from their seeds and compared byte for byte, and (2) checked with the stored data
 * alone, as an independent implementation would. Regenerate after a deliberate protocol change with
 * `UPDATE_VECTORS=1 node scripts/run-tests.mjs packages/core/test/trustees-vectors.test.ts`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { Ciphertext } from '../src/elgamal.js';
import { fromBase64Url, fromHex, toHex } from '../src/group/bytes.js';
import { baseMul, Point, Scalar } from '../src/group/group.js';
import { initCore } from '../src/init.js';
import { aeadDecrypt } from '../src/symmetric/symmetric.js';
import { combinePartialDecryptions, decryptTally } from '../src/trustees/combine.js';
import { importKeyFile } from '../src/trustees/key-file.js';
import { verifyPartialDecryption } from '../src/trustees/partial-decryption.js';
import { verifyCeremony } from '../src/trustees/verify-ceremony.js';
import { generateTrusteeVectorFiles } from './trustees-vectors.js';

const DIR = join(import.meta.dirname, 'vectors');
const load = (name: string) => JSON.parse(readFileSync(join(DIR, name), 'utf8'));

before(initCore);

describe('trustee known-answer vectors (protocol §8)', () => {
  test('regenerating from the seeds reproduces the stored files byte for byte', () => {
    for (const [name, text] of Object.entries(generateTrusteeVectorFiles())) {
      if (process.env.UPDATE_VECTORS === '1') writeFileSync(join(DIR, name), text);
      assert.equal(readFileSync(join(DIR, name), 'utf8'), text, name);
    }
  });

  test('the stored ceremony verifies to the stored key, and the stored shares match it', () => {
    const v = load('trustees-dkg.json');
    const r = verifyCeremony(v.transcript);
    assert.ok(r.ok);
    assert.deepEqual(r.key, v.key);
    const x = v.secrets.map((s: string) => Scalar.fromBase64Url(s));
    assert.equal(baseMul(x[0]).toBase64Url(), v.key.singleKey);
    for (let j = 1; j <= 3; j++) assert.equal(baseMul(x[j]).toBase64Url(), v.key.verificationKeys[j - 1]);
  });

  test('the stored share envelope decrypts with the stated key and associated data', () => {
    const v = load('trustees-share.json');
    const e = Scalar.fromBase64Url(v.recipientSecret);
    const K = Point.fromBase64Url(v.encrypted.ephemeral).mul(e);
    assert.equal(K.toBase64Url(), v.sharedSecret);
    const plain = aeadDecrypt(
      fromHex(v.aeadKey),
      fromBase64Url(v.encrypted.nonce),
      fromHex(v.associatedData),
      fromBase64Url(v.encrypted.ciphertext),
    );
    assert.ok(plain);
    assert.equal(toHex(plain), toHex(Scalar.fromBase64Url(v.share).bytes));
  });

  test('the stored partial decryptions verify and every quorum yields the stored counts', () => {
    const v = load('trustees-decryption.json');
    const fp = fromBase64Url(v.fingerprint);
    const cts = v.ciphertexts.map((c: unknown) => Ciphertext.fromJSON(c));
    const verified = v.partials.map((p: unknown) => {
      const r = verifyPartialDecryption(fp, v.key, cts, p);
      assert.ok(r.ok);
      return r;
    });
    for (const s of v.subsets) {
      const r = combinePartialDecryptions(2, cts, [
        verified[0],
        ...s.trustees.map((j: number) => verified[j]),
      ]);
      assert.ok(r.ok);
      assert.deepEqual(
        r.points.map((p) => p.toBase64Url()),
        v.plaintextPoints,
      );
    }
    const t = decryptTally({
      fingerprint: fp,
      key: v.key,
      ciphertexts: cts,
      partials: v.partials,
      bound: 1000,
    });
    assert.ok(t.ok);
    assert.deepEqual(t.counts, v.counts);
  });

  test('the stored key file opens with the stated passphrase to the stated secrets', () => {
    const v = load('trustees-key-file.json');
    const r = importKeyFile(v.file, v.passphrase);
    assert.ok(r.ok);
    assert.deepEqual(JSON.parse(JSON.stringify(r.secrets)), v.secrets);
  });
});

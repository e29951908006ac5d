import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fromBase64Url, toBase64Url } from '../group/bytes.js';
import { initCore } from '../init.js';
import { createTrusteeCertificate } from './certificate.js';
import { deterministicRandom } from './deterministic-random.js';
import { exportKeyFile, importKeyFile, type TrusteeKeyFile } from './key-file.js';
import { simulateCeremony } from './simulate.js';
import type { CeremonyParams, TrusteeSecrets } from './types.js';

before(initCore);

// Low argon2id cost for tests only; real files use KEYFILE_DEFAULT_KDF.
const FAST = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
const params: CeremonyParams = {
  v: 1,
  ceremonyId: 'keyfile',
  manifestHash: toBase64Url(new Uint8Array(32)),
  n: 2,
  t: 2,
};
const random = deterministicRandom('key-file-test');

/** Comparable form of secrets (scalars as strings). */
const plain = (s: TrusteeSecrets) => JSON.parse(JSON.stringify(s));

describe('passphrase-protected key file (protocol §8.3)', () => {
  let sim: ReturnType<typeof simulateCeremony>;
  before(() => {
    sim = simulateCeremony(params, deterministicRandom('keyfile-sim'));
  });

  test('round trip for T_0, a finalized trustee and a trustee in the middle of the ceremony', () => {
    const pending = createTrusteeCertificate(params, 1, 'T1', random).secrets;
    for (const secrets of [sim.secrets[0], sim.secrets[1]!, pending] as TrusteeSecrets[]) {
      const file = exportKeyFile(secrets, 'correct horse battery staple', random, FAST);
      const back = importKeyFile(JSON.parse(JSON.stringify(file)), 'correct horse battery staple');
      assert.ok(back.ok, JSON.stringify(back));
      assert.deepEqual(plain(back.secrets), plain(secrets));
      assert.equal(file.kdf.opslimit, 1);
      assert.equal(file.kdf.alg, 'argon2id13');
    }
  });

  test('the passphrase is compared after Unicode NFC normalization', () => {
    const file = exportKeyFile(sim.secrets[2]!, 'café', random, FAST);
    assert.equal(importKeyFile(file, 'cafe\u0301').ok, true);
  });

  test('a wrong passphrase is KEYFILE_PASSPHRASE', () => {
    const file = exportKeyFile(sim.secrets[1]!, 'right', random, FAST);
    const r = importKeyFile(file, 'wrong');
    assert.equal(!r.ok && r.code, 'KEYFILE_PASSPHRASE');
  });

  test('a modified ciphertext or header is KEYFILE_TAMPERED', () => {
    const file = exportKeyFile(sim.secrets[1]!, 'pw', random, FAST);
    const ct = fromBase64Url(file.ciphertext);
    ct[5]! ^= 0x40;
    const r1 = importKeyFile({ ...file, ciphertext: toBase64Url(ct) }, 'pw');
    assert.equal(!r1.ok && r1.code, 'KEYFILE_TAMPERED');
    const r2 = importKeyFile({ ...file, index: 2 }, 'pw');
    assert.equal(!r2.ok && r2.code, 'KEYFILE_TAMPERED');
    const r3 = importKeyFile({ ...file, publicKey: sim.key.verificationKeys[1] }, 'pw');
    assert.equal(!r3.ok && r3.code, 'KEYFILE_TAMPERED');
  });

  test('a malformed file or hostile KDF parameters are KEYFILE_MALFORMED (no work done)', () => {
    const file: TrusteeKeyFile = exportKeyFile(sim.secrets[1]!, 'pw', random, FAST);
    const bad = [
      null,
      { ...file, v: 2 },
      { ...file, kind: 'single' },
      { ...file, kdf: { ...file.kdf, memlimit: 2 ** 40 } },
      { ...file, kdf: { ...file.kdf, alg: 'scrypt' } },
      { ...file, nonce: 'AAAA' },
      { ...file, ciphertext: 42 },
    ];
    for (const f of bad) {
      const r = importKeyFile(f, 'pw');
      assert.equal(!r.ok && r.code, 'KEYFILE_MALFORMED', JSON.stringify(f));
    }
  });

  test('misuse throws: empty passphrase, secrets with nothing to protect', () => {
    assert.throws(() => exportKeyFile(sim.secrets[1]!, '', random, FAST), RangeError);
  });
});

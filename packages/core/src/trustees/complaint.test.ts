import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fromBase64Url, toBase64Url } from '../group/bytes.js';
import { baseMul, Scalar } from '../group/group.js';
import { initCore } from '../init.js';
import { ceremonyContext, decodePoint, signMessage } from './ceremony.js';
import { createComplaint, verifyComplaint } from './complaint.js';
import type { DealingPhaseInput } from './dealing-phase.js';
import { deterministicRandom } from './deterministic-random.js';
import { receiveShares } from './receive.js';
import { encryptShare } from './share-encryption.js';
import { type SimulatedCeremony, simulateCeremony } from './simulate.js';
import type { CeremonyParams, Complaint, Dealing, EncryptedShare, PedersenTrusteeSecrets } from './types.js';

before(initCore);

const params: CeremonyParams = {
  v: 1,
  ceremonyId: 'complaints',
  manifestHash: toBase64Url(new Uint8Array(32).fill(3)),
  n: 3,
  t: 2,
};
const random = deterministicRandom('complaint-test');
const ctx = () => ceremonyContext(params);

let sim: SimulatedCeremony;
const secretsOf = (i: number) => sim.secrets[i] as PedersenTrusteeSecrets;

function inputWith(dealer: number, recipient: number, share: EncryptedShare): DealingPhaseInput {
  const t = sim.transcript;
  const d = t.dealings[dealer - 1]!;
  const shares = d.shares.map((s, k) => (k === recipient - 1 ? share : s));
  const { signature: _s, ...body } = { ...d, shares };
  const s = secretsOf(dealer);
  const signature = signMessage(ctx(), dealer, 'dealing', body, s.signingKey, baseMul(s.signingKey), random);
  const dealings: Dealing[] = t.dealings.map((x, k) => (k === dealer - 1 ? { ...body, signature } : x));
  return {
    params,
    certificates: t.certificates,
    commitments: t.commitments,
    singleKey: t.singleKey,
    dealings,
  };
}

const publicInput = (): DealingPhaseInput => ({ ...sim.transcript });

describe('share checks and verifiable complaints (protocol §8.2.3)', () => {
  before(() => {
    sim = simulateCeremony(params, deterministicRandom('complaints'));
  });

  test('a share that does not match the Feldman commitments: recipient complains, the complaint is upheld', () => {
    const bad = encryptShare(ctx(), 1, 3, baseMul(secretsOf(3).encryptionKey), Scalar.of(42), random);
    const input = inputWith(1, 3, bad);
    const r = receiveShares(input, secretsOf(3), random);
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.deepEqual(
      r.failures.map((f) => `${f.code}@${f.index}`),
      ['SHARE_INVALID@1'],
    );
    assert.equal(r.complaints.length, 1);
    const verdict = verifyComplaint(input, JSON.parse(JSON.stringify(r.complaints[0])));
    assert.deepEqual(verdict, { ok: true, upheld: true, dealer: 1, code: 'SHARE_INVALID' });
    // The other recipients are unaffected.
    assert.equal(receiveShares(input, secretsOf(2), random).ok, true);
  });

  test('a share that does not decrypt: SHARE_DECRYPT_FAILED, upheld', () => {
    const orig = sim.transcript.dealings[1]!.shares[0]!;
    const ct = fromBase64Url(orig.ciphertext);
    ct[0]! ^= 1;
    const input = inputWith(2, 1, { ...orig, ciphertext: toBase64Url(ct) });
    const r = receiveShares(input, secretsOf(1), random);
    assert.ok(!r.ok);
    assert.deepEqual(
      r.failures.map((f) => `${f.code}@${f.index}`),
      ['SHARE_DECRYPT_FAILED@2'],
    );
    assert.deepEqual(verifyComplaint(input, r.complaints[0]), {
      ok: true,
      upheld: true,
      dealer: 2,
      code: 'SHARE_DECRYPT_FAILED',
    });
  });

  test('an unfounded complaint about a good share is attributed to the complainant', () => {
    const enc = sim.transcript.dealings[0]!.shares[1]!;
    const c = createComplaint(ctx(), params.ceremonyId, 1, enc, secretsOf(2), random);
    assert.deepEqual(verifyComplaint(publicInput(), c), {
      ok: true,
      upheld: false,
      complainant: 2,
      code: 'COMPLAINT_UNFOUNDED',
    });
  });

  test('a forged or altered complaint is rejected with its own code', () => {
    const enc = sim.transcript.dealings[0]!.shares[1]!;
    const c = createComplaint(ctx(), params.ceremonyId, 1, enc, secretsOf(2), random);
    // Altered by the relay: the signature breaks.
    const altered = { ...c, dealer: 3 };
    assert.equal((verifyComplaint(publicInput(), altered) as { code: string }).code, 'SIGNATURE_INVALID');
    // Re-signed by the complainant with a made-up shared secret: the DLEQ proof fails.
    const K = decodePoint(c.sharedSecret, 'K').add(baseMul(Scalar.one));
    const { signature: _s, ...body } = { ...c, sharedSecret: K.toBase64Url() };
    const s2 = secretsOf(2);
    const forged: Complaint = {
      ...body,
      signature: signMessage(ctx(), 2, 'complaint', body, s2.signingKey, baseMul(s2.signingKey), random),
    };
    const v = verifyComplaint(publicInput(), forged);
    assert.deepEqual(!v.ok && [v.code, v.index], ['COMPLAINT_PROOF_INVALID', 2]);
    assert.equal((verifyComplaint(publicInput(), { v: 2 }) as { code: string }).code, 'MESSAGE_MALFORMED');
  });

  test('a share encrypted with another associated data (wrong sender) does not decrypt', () => {
    // Dealer 3 re-uses an envelope made for sender 1 → recipient 2: the AD names sender 1.
    const foreign = sim.transcript.dealings[0]!.shares[1]!;
    const input = inputWith(3, 2, foreign);
    const r = receiveShares(input, secretsOf(2), random);
    assert.ok(!r.ok);
    assert.deepEqual(
      r.failures.map((f) => f.code),
      ['SHARE_DECRYPT_FAILED'],
    );
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { toBase64Url } from '../group/bytes.js';
import { baseMul, Point, Scalar } from '../group/group.js';
import { initCore } from '../init.js';
import { proveSchnorr } from '../proofs/schnorr.js';
import { TAGS } from '../tags.js';
import { ceremonyContext, coefficientDigest, signMessage } from './ceremony.js';
import { createTrusteeCertificate } from './certificate.js';
import { deterministicRandom } from './deterministic-random.js';
import { commitCoefficients, commitSingleTrustee, dealShares, revealSingleTrustee } from './dkg.js';
import { feldmanCommitments } from './polynomial.js';
import { finalizeTrustee } from './receive.js';
import { type SimulatedCeremony, simulateCeremony } from './simulate.js';
import type { CeremonyParams, Dealing, PedersenTrusteeSecrets } from './types.js';
import { verifyCeremony } from './verify-ceremony.js';

before(initCore);

const params: CeremonyParams = {
  v: 1,
  ceremonyId: 'dkg-test',
  manifestHash: toBase64Url(new Uint8Array(32).fill(7)),
  n: 3,
  t: 2,
};

// biome-ignore lint/suspicious/noExplicitAny: tests mutate untyped JSON copies of messages on purpose
type Json = any;
const clone = (x: unknown): Json => JSON.parse(JSON.stringify(x));

function codeOf(transcript: unknown): string {
  const r = verifyCeremony(transcript);
  return r.ok ? 'OK' : `${r.code}@${r.index}`;
}

/** Re-sign a message as trustee `index` would (a malicious but key-holding trustee). */
function resign<T extends { signature?: unknown }>(
  sim: SimulatedCeremony,
  index: number,
  kind: string,
  msg: T,
): T {
  const s = sim.secrets[index] as PedersenTrusteeSecrets;
  const { signature: _s, ...body } = msg;
  const sig = signMessage(
    ceremonyContext(params),
    index,
    kind,
    body,
    s.signingKey,
    baseMul(s.signingKey),
    deterministicRandom('resign'),
  );
  return { ...msg, signature: sig };
}

describe('Pedersen DKG with T_0 (protocol §8.1)', () => {
  let sim: SimulatedCeremony;
  before(() => {
    sim = simulateCeremony(params, deterministicRandom('dkg-test'));
  });

  test('an honest ceremony verifies and yields h = h_0 + h_P with X_j = x_j·G', () => {
    const r = verifyCeremony(clone(sim.transcript));
    assert.ok(r.ok);
    assert.deepEqual(r.key, sim.key);
    const [t0, ...ps] = sim.secrets;
    assert.equal(baseMul(t0.share).toBase64Url(), sim.key.singleKey);
    ps.forEach((s, k) => {
      assert.equal(baseMul(s.share!).toBase64Url(), sim.key.verificationKeys[k]);
    });
    // x_P = λ_1·x_1 + λ_2·x_2 for S = {1, 2} (t = 2): h_P = x_P·G.
    const xP = ps[0]!.share!.mul(Scalar.of(2)).sub(ps[1]!.share!);
    assert.equal(baseMul(xP).toBase64Url(), sim.key.groupKey);
    assert.equal(baseMul(xP.add(t0.share)).toBase64Url(), sim.key.electionKey);
    // Finalized secrets drop the polynomial.
    assert.equal(ps[0]!.coefficients, undefined);
  });

  test('a relay that alters any signed message is caught as SIGNATURE_INVALID at the right trustee', () => {
    const t = clone(sim.transcript);
    t.commitments[2].digest = t.commitments[1].digest;
    assert.equal(codeOf(t), 'SIGNATURE_INVALID@2');
    const u = clone(sim.transcript);
    u.dealings[0].shares[1].ciphertext = u.dealings[1].shares[1].ciphertext;
    assert.equal(codeOf(u), 'SIGNATURE_INVALID@1');
    const w = clone(sim.transcript);
    w.confirmations[2].verificationKey = w.confirmations[1].verificationKey;
    assert.equal(codeOf(w), 'SIGNATURE_INVALID@3');
  });

  test('certificates: a bad proof of possession, a swapped order or a missing one are rejected', () => {
    const t = clone(sim.transcript);
    t.certificates[1].name = 'Mallory';
    assert.equal(codeOf(t), 'CERTIFICATE_INVALID@2');
    const u = clone(sim.transcript);
    [u.certificates[0], u.certificates[1]] = [u.certificates[1], u.certificates[0]];
    assert.equal(codeOf(u), 'CEREMONY_MISMATCH@1');
    const w = clone(sim.transcript);
    w.certificates.pop();
    assert.equal(codeOf(w), 'ROSTER_INVALID@0');
  });

  test('a relay that shows trustees different rosters is caught (ROSTER_MISMATCH)', () => {
    // Trustee 2 signs a commitment naming another roster hash.
    const t = clone(sim.transcript);
    t.commitments[2] = resign(sim, 2, 'commitment', {
      ...t.commitments[2],
      rosterHash: toBase64Url(new Uint8Array(32)),
    });
    assert.equal(codeOf(t), 'ROSTER_MISMATCH@2');
  });

  test('a dealer that reveals other coefficients than it committed to: COMMITMENT_MISMATCH', () => {
    const t = clone(sim.transcript);
    const d: Dealing = t.dealings[1];
    const coefficients = [...d.coefficients];
    coefficients[1] = baseMul(Scalar.of(5)).toBase64Url();
    t.dealings[1] = resign(sim, 2, 'dealing', { ...d, coefficients });
    assert.equal(codeOf(t), 'COMMITMENT_MISMATCH@2');
    const u = clone(sim.transcript);
    u.singleKey.publicKey = baseMul(Scalar.of(9)).toBase64Url();
    assert.equal(codeOf(u), 'COMMITMENT_MISMATCH@0');
  });

  test('a dealer that names another commitment set (equivocating relay): COMMITMENT_SET_MISMATCH', () => {
    const t = clone(sim.transcript);
    t.dealings[2] = resign(sim, 3, 'dealing', {
      ...t.dealings[2],
      commitmentSetHash: toBase64Url(new Uint8Array(32)),
    });
    assert.equal(codeOf(t), 'COMMITMENT_SET_MISMATCH@3');
  });

  test('a committed but invalid proof of knowledge of a_i0: KEY_PROOF_INVALID', () => {
    // Run the ceremony by hand; trustee 1 commits to a proof made for the wrong context.
    const random = deterministicRandom('bad-pok');
    const s1 = [1, 2].map((i) => createTrusteeCertificate({ ...params, n: 2 }, i, `T${i}`, random));
    const p2 = { ...params, n: 2 };
    const certs = s1.map((s) => s.certificate);
    const ctx = ceremonyContext(p2);
    const single = commitSingleTrustee(p2, certs, random);
    assert.ok(single.ok);
    const good = commitCoefficients(p2, certs, s1[1]!.secrets, random);
    assert.ok(good.ok);
    const a = [Scalar.of(11), Scalar.of(12)];
    const C = feldmanCommitments(a);
    const badProof = proveSchnorr(TAGS.trusteeKeyProof, [ctx, 'another context'], a[0]!, C[0]!, random);
    const sec1 = s1[0]!.secrets;
    const body = {
      v: 1 as const,
      ceremonyId: p2.ceremonyId,
      index: 1,
      rosterHash: good.commitment.rosterHash,
      digest: coefficientDigest(ctx, 1, C, badProof),
    };
    const commitment1 = {
      ...body,
      signature: signMessage(ctx, 1, 'commitment', body, sec1.signingKey, baseMul(sec1.signingKey), random),
    };
    const commitments = [single.commitment, commitment1, good.commitment];
    const secrets1 = {
      ...sec1,
      coefficients: a,
      keyProof: { c: badProof.c.toBase64Url(), z: badProof.z.toBase64Url() },
    };
    const d1 = dealShares(p2, certs, commitments, secrets1, random);
    const d2 = dealShares(p2, certs, commitments, good.secrets, random);
    const k0 = revealSingleTrustee(p2, certs, commitments, single.secrets);
    assert.ok(d1.ok && d2.ok && k0.ok);
    const input = {
      params: p2,
      certificates: certs,
      commitments,
      singleKey: k0.singleKey,
      dealings: [d1.dealing, d2.dealing],
    };
    const f = finalizeTrustee(input, good.secrets, random);
    assert.equal(f.ok, false);
    assert.deepEqual(!f.ok && f.failures.map((x) => `${x.code}@${x.index}`), ['KEY_PROOF_INVALID@1']);
  });

  test('confirmations: another transcript, a wrong X_j, a missing one, a bad proof', () => {
    const t = clone(sim.transcript);
    t.confirmations[0] = resign(sim, 1, 'confirmation', {
      ...t.confirmations[0],
      transcriptHash: toBase64Url(new Uint8Array(32)),
    });
    assert.equal(codeOf(t), 'TRANSCRIPT_MISMATCH@1');
    const u = clone(sim.transcript);
    u.confirmations[1] = resign(sim, 2, 'confirmation', {
      ...u.confirmations[1],
      verificationKey: u.confirmations[0].verificationKey,
    });
    assert.equal(codeOf(u), 'VERIFICATION_KEY_MISMATCH@2');
    const w = clone(sim.transcript);
    w.confirmations.pop();
    assert.equal(codeOf(w), 'CONFIRMATION_MISSING@3');
    const x = clone(sim.transcript);
    x.confirmations[2] = resign(sim, 3, 'confirmation', {
      ...x.confirmations[2],
      proof: x.confirmations[1].proof,
    });
    assert.equal(codeOf(x), 'CONFIRMATION_INVALID@3');
  });

  test('malformed input and bad parameters are typed failures, never exceptions', () => {
    assert.equal(codeOf(null), 'MESSAGE_MALFORMED@0');
    assert.equal(codeOf({ ...clone(sim.transcript), params: { ...params, t: 4 } }), 'PARAMS_INVALID@0');
    const t = clone(sim.transcript);
    t.dealings[0].coefficients[0] = 'not-a-point';
    assert.equal(codeOf(t), 'SIGNATURE_INVALID@1');
    const u = clone(sim.transcript);
    u.dealings[0].coefficients[0] = 'AAAA';
    u.dealings[0] = resign(sim, 1, 'dealing', u.dealings[0]);
    assert.equal(codeOf(u), 'MESSAGE_MALFORMED@1');
    const w = clone(sim.transcript);
    w.dealings.pop();
    assert.equal(codeOf(w), 'DEALING_MISSING@3');
  });

  test('each trustee re-checks what the relay delivered: a replaced own certificate or commitment is refused', () => {
    const random = deterministicRandom('own-checks');
    const steps = [1, 2, 3].map((i) => createTrusteeCertificate(params, i, `T${i}`, random));
    const certs = steps.map((s) => s.certificate);
    // The relay registers its own certificate at index 2: trustee 2 notices before committing.
    const impostor = createTrusteeCertificate(params, 2, 'T2', random).certificate;
    const forged = [certs[0]!, impostor, certs[2]!];
    const r = commitCoefficients(params, forged, steps[1]!.secrets, random);
    assert.deepEqual(!r.ok && [r.code, r.index], ['ROSTER_INVALID', 2]);
    // The relay swaps trustee 1's commitment for T_0's digest: signature check fails before dealing.
    const single = commitSingleTrustee(params, certs, random);
    const committed = steps.map((s) => commitCoefficients(params, certs, s.secrets, random));
    assert.ok(single.ok && committed.every((c) => c.ok));
    const commitments = [single.commitment, ...committed.map((c) => (c.ok ? c.commitment : undefined))];
    const altered = [...commitments];
    altered[1] = { ...commitments[1]!, digest: single.commitment.digest };
    const first = committed[0]!;
    assert.ok(first.ok);
    const d = dealShares(params, certs, altered, first.secrets, random);
    assert.deepEqual(!d.ok && [d.code, d.index], ['SIGNATURE_INVALID', 1]);
    // A relay-altered dealing is refused by its recipients with the dealer's index.
    const dealings = committed.map((c) => {
      assert.ok(c.ok);
      const x = dealShares(params, certs, commitments, c.secrets, random);
      assert.ok(x.ok);
      return x.dealing;
    });
    const k0 = revealSingleTrustee(params, certs, commitments, single.secrets);
    assert.ok(k0.ok);
    const tampered = [...dealings];
    tampered[2] = { ...dealings[2]!, shares: [...dealings[2]!.shares].reverse() };
    const input = { params, certificates: certs, commitments, singleKey: k0.singleKey, dealings: tampered };
    const f = finalizeTrustee(input, first.secrets, random);
    assert.deepEqual(!f.ok && f.failures.map((x) => `${x.code}@${x.index}`), ['SIGNATURE_INVALID@3']);
    assert.equal(!f.ok && f.complaints.length, 0);
  });

  test('identity is never a valid certificate key', () => {
    const t = clone(sim.transcript);
    t.certificates[0].signingKey = Point.identity.toBase64Url();
    assert.equal(codeOf(t), 'CERTIFICATE_INVALID@1');
  });
});

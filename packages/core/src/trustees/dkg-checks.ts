/**
 * Public checks of the DKG messages (protocol §8.1.3–8.1.4), shared by the trustees (on receipt
 * from the relay) and by `verifyCeremony`: the signed hash commitments, T_0's revealed key and
 * each dealing's revealed Feldman commitments, proof and share envelope structure. None of these
 * needs a secret; share contents are checked by their recipient (receive.ts).
 */
import type { Point } from '../group/group.js';
import { verifySchnorr } from '../proofs/schnorr.js';
import { AEAD_NONCE_BYTES } from '../symmetric/symmetric.js';
import { TAGS } from '../tags.js';
import {
  ceremonyContext,
  coefficientDigest,
  commitmentSetHash,
  decodeBytes,
  decodePoint,
  decodeProof,
  expectArray,
  expectObject,
  fail,
  guarded,
  isFailure,
  keyProofContext,
  MalformedError,
  verifySignature,
} from './ceremony.js';
import type { TrusteePublicKeys } from './certificate.js';
import type { CeremonyParams, CeremonyResult, CoefficientCommitment, Dealing } from './types.js';

/** One commitment k on arrival (§8.1.3): format, ceremony, index, signature of trustee k (k ≥ 1), roster. */
export function verifyCoefficientCommitment(
  params: CeremonyParams,
  keys: readonly (TrusteePublicKeys | undefined)[],
  roster: string,
  commitment: unknown,
  k: number,
): CeremonyResult<object> {
  const ctx = ceremonyContext(params);
  return guarded(k, () => {
    const c = expectObject(commitment, 'commitment');
    if (c.v !== 1) throw new MalformedError('commitment: v must be 1');
    if (c.ceremonyId !== params.ceremonyId || c.index !== k) {
      return fail('CEREMONY_MISMATCH', k, 'commitment: wrong ceremony or index');
    }
    decodeBytes(c.digest, 32, 'commitment.digest');
    if (typeof c.rosterHash !== 'string') throw new MalformedError('commitment: rosterHash missing');
    if (k > 0 && !verifySignature(ctx, k, 'commitment', c, keys[k]!.signingKey)) {
      return fail('SIGNATURE_INVALID', k, 'commitment: signature does not verify');
    }
    if (c.rosterHash !== roster) return fail('ROSTER_MISMATCH', k, 'commitment: names a different roster');
    return { ok: true as const };
  });
}

/** Commitments 0..n in order, each naming this roster; 1..n signed by their trustee. */
export function verifyCommitmentSet(
  params: CeremonyParams,
  keys: readonly (TrusteePublicKeys | undefined)[],
  roster: string,
  commitments: unknown,
): CeremonyResult<{ commitments: readonly CoefficientCommitment[]; commitmentSetHash: string }> {
  const list = guarded(0, () => expectArray(commitments, 'commitments'));
  if (isFailure(list)) return list;
  if (list.length !== params.n + 1) {
    const first = list.length < params.n + 1 ? list.length : 0;
    return fail('COMMITMENT_MISSING', first, `commitments: expected ${params.n + 1} (T_0 and 1..n)`);
  }
  for (let k = 0; k <= params.n; k++) {
    const r = verifyCoefficientCommitment(params, keys, roster, list[k], k);
    if (!r.ok) return r;
  }
  const typed = list as readonly CoefficientCommitment[];
  const ctx = ceremonyContext(params);
  return { ok: true, commitments: typed, commitmentSetHash: commitmentSetHash(ctx, roster, typed) };
}

/** T_0's reveal: matches its commitment, names the same commitment set, proof of knowledge of x_0. */
export function verifySingleKey(
  params: CeremonyParams,
  commitments: readonly CoefficientCommitment[],
  setHash: string,
  singleKey: unknown,
): CeremonyResult<{ publicKey: Point }> {
  const ctx = ceremonyContext(params);
  return guarded(0, () => {
    const s = expectObject(singleKey, 'singleKey');
    if (s.v !== 1) throw new MalformedError('singleKey: v must be 1');
    if (s.ceremonyId !== params.ceremonyId || s.index !== 0) {
      return fail('CEREMONY_MISMATCH', 0, 'singleKey: wrong ceremony or index');
    }
    const h0 = decodePoint(s.publicKey, 'singleKey.publicKey');
    const proof = decodeProof(s.proof, 'singleKey.proof');
    if (s.commitmentSetHash !== setHash) {
      return fail('COMMITMENT_SET_MISMATCH', 0, 'singleKey: names a different commitment set');
    }
    if (coefficientDigest(ctx, 0, [h0], proof) !== commitments[0]!.digest) {
      return fail('COMMITMENT_MISMATCH', 0, 'singleKey: does not match its hash commitment');
    }
    if (!verifySchnorr(TAGS.trusteeKeyProof, keyProofContext(ctx, 0, undefined, [h0]), h0, proof)) {
      return fail('KEY_PROOF_INVALID', 0, 'singleKey: proof of knowledge fails');
    }
    return { ok: true as const, publicKey: h0 };
  });
}

/** Dealing i: signed by S_i, same commitment set, reveal matches the hash, PoK of a_i0, n share envelopes. */
export function verifyDealingPublic(
  params: CeremonyParams,
  keys: readonly (TrusteePublicKeys | undefined)[],
  commitments: readonly CoefficientCommitment[],
  setHash: string,
  dealing: unknown,
  index: number,
): CeremonyResult<{ coefficients: readonly Point[]; dealing: Dealing }> {
  const ctx = ceremonyContext(params);
  return guarded(index, () => {
    const d = expectObject(dealing, 'dealing');
    if (d.v !== 1) throw new MalformedError('dealing: v must be 1');
    if (d.ceremonyId !== params.ceremonyId || d.index !== index) {
      return fail('CEREMONY_MISMATCH', index, 'dealing: wrong ceremony or index');
    }
    const own = keys[index]!;
    if (!verifySignature(ctx, index, 'dealing', d, own.signingKey)) {
      return fail('SIGNATURE_INVALID', index, 'dealing: signature does not verify');
    }
    const coeffList = expectArray(d.coefficients, 'dealing.coefficients');
    if (coeffList.length !== params.t) throw new MalformedError(`dealing: expected ${params.t} coefficients`);
    const C = coeffList.map((c, k) => decodePoint(c, `dealing.coefficients[${k}]`));
    const proof = decodeProof(d.proof, 'dealing.proof');
    const shares = expectArray(d.shares, 'dealing.shares');
    if (shares.length !== params.n) throw new MalformedError(`dealing: expected ${params.n} shares`);
    shares.forEach((s, k) => {
      const o = expectObject(s, 'share');
      if (o.recipient !== k + 1) throw new MalformedError('dealing: shares must be in recipient order');
      decodePoint(o.ephemeral, 'share.ephemeral');
      decodeBytes(o.nonce, AEAD_NONCE_BYTES, 'share.nonce');
      decodeBytes(o.ciphertext, undefined, 'share.ciphertext');
    });
    if (d.commitmentSetHash !== setHash) {
      return fail('COMMITMENT_SET_MISMATCH', index, 'dealing: names a different commitment set');
    }
    if (coefficientDigest(ctx, index, C, proof) !== commitments[index]!.digest) {
      return fail('COMMITMENT_MISMATCH', index, 'dealing: does not match its hash commitment');
    }
    if (!verifySchnorr(TAGS.trusteeKeyProof, keyProofContext(ctx, index, own, C), C[0]!, proof)) {
      return fail('KEY_PROOF_INVALID', index, 'dealing: proof of knowledge of a_i0 fails');
    }
    return { ok: true as const, coefficients: C, dealing: d as unknown as Dealing };
  });
}

/** All dealings 1..n, publicly valid. */
export function verifyDealings(
  params: CeremonyParams,
  keys: readonly (TrusteePublicKeys | undefined)[],
  commitments: readonly CoefficientCommitment[],
  setHash: string,
  dealings: unknown,
): CeremonyResult<{ coefficients: readonly (readonly Point[])[]; dealings: readonly Dealing[] }> {
  const list = guarded(0, () => expectArray(dealings, 'dealings'));
  if (isFailure(list)) return list;
  if (list.length !== params.n)
    return fail('DEALING_MISSING', list.length + 1, `dealings: expected ${params.n}`);
  const coefficients: (readonly Point[])[] = [];
  const typed: Dealing[] = [];
  for (let i = 1; i <= params.n; i++) {
    const r = verifyDealingPublic(params, keys, commitments, setHash, list[i - 1], i);
    if (!r.ok) return r;
    coefficients.push(r.coefficients);
    typed.push(r.dealing);
  }
  return { ok: true, coefficients, dealings: typed };
}

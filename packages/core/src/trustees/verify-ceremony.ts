/**
 * The verifier's view of a key ceremony (protocol §8.1.6): from the public transcript alone, check
 * every certificate, signed commitment, reveal, proof and share envelope, recompute the transcript
 * hash, the group key h_P = Σ_i C_i0, the election key h = h_0 + h_P and every verification key
 * X_j, and check that all n trustees confirmed this very transcript and proved knowledge of x_j.
 */
import { verifySchnorr } from '../proofs/schnorr.js';
import { TAGS } from '../tags.js';
import {
  checkParams,
  decodePoint,
  decodeProof,
  expectArray,
  expectObject,
  fail,
  guarded,
  isFailure,
  MalformedError,
  verifySignature,
} from './ceremony.js';
import { type VerifiedDealingPhase, verifyDealingPhase } from './dealing-phase.js';
import { shareProofContext } from './receive.js';
import type { CeremonyParams, CeremonyResult, ThresholdKey } from './types.js';

/** Check one trustee's confirmation against the verified dealing phase. */
export function verifyConfirmation(
  params: CeremonyParams,
  phase: VerifiedDealingPhase,
  confirmation: unknown,
  index: number,
): CeremonyResult<object> {
  return guarded(index, () => {
    const c = expectObject(confirmation, 'confirmation');
    if (c.v !== 1) throw new MalformedError('confirmation: v must be 1');
    if (c.ceremonyId !== params.ceremonyId || c.index !== index) {
      return fail('CEREMONY_MISMATCH', index, 'confirmation: wrong ceremony or index');
    }
    const X = decodePoint(c.verificationKey, 'confirmation.verificationKey');
    const proof = decodeProof(c.proof, 'confirmation.proof');
    if (!verifySignature(phase.ctx, index, 'confirmation', c, phase.keys[index]!.signingKey)) {
      return fail('SIGNATURE_INVALID', index, 'confirmation: signature does not verify');
    }
    if (c.transcriptHash !== phase.transcriptHash) {
      return fail('TRANSCRIPT_MISMATCH', index, 'confirmation: trustee saw a different transcript');
    }
    if (!X.equals(phase.verificationKeys[index - 1]!)) {
      return fail('VERIFICATION_KEY_MISMATCH', index, 'confirmation: X_j differs from the commitments');
    }
    if (
      !verifySchnorr(
        TAGS.trusteeShareProof,
        shareProofContext(phase.ctx, index, phase.transcriptHash),
        X,
        proof,
      )
    ) {
      return fail('CONFIRMATION_INVALID', index, 'confirmation: proof of knowledge of x_j fails');
    }
    return { ok: true as const };
  });
}

/** Verify a whole ceremony transcript; on success returns the election's ThresholdKey. */
export function verifyCeremony(transcript: unknown): CeremonyResult<{ key: ThresholdKey }> {
  const top = guarded(0, () => {
    const t = expectObject(transcript, 'transcript');
    if (t.v !== 1) throw new MalformedError('transcript: v must be 1');
    const params = expectObject(t.params, 'transcript.params') as unknown as CeremonyParams;
    try {
      checkParams(params);
    } catch (e) {
      return fail('PARAMS_INVALID', 0, (e as Error).message);
    }
    return { ok: true as const, t, params };
  });
  if (isFailure(top)) return top;
  const { t, params } = top;
  const verified = verifyDealingPhase({
    params,
    certificates: t.certificates,
    commitments: t.commitments,
    singleKey: t.singleKey,
    dealings: t.dealings,
  });
  if (!verified.ok) return verified;
  const list = guarded(0, () => expectArray(t.confirmations, 'confirmations'));
  if (isFailure(list)) return list;
  if (list.length !== params.n) {
    const first = list.length < params.n ? list.length + 1 : 0;
    return fail('CONFIRMATION_MISSING', first, `confirmations: expected ${params.n}`);
  }
  for (let j = 1; j <= params.n; j++) {
    const r = verifyConfirmation(params, verified.phase, list[j - 1], j);
    if (!r.ok) return r;
  }
  return { ok: true, key: verified.phase.key };
}

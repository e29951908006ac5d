/**
 * Steps 4 and 5 of the DKG (protocol §8.1.5): a trustee checks everything the relay delivered,
 * decrypts the n shares addressed to it, checks each against its dealer's Feldman commitments
 * (s_ij·G = Σ_k j^k·C_ik), and either complains verifiably (§8.2.3) or sums them into its final
 * share x_j and publishes a signed confirmation of the transcript with a proof of knowledge of x_j.
 */
import { baseMul, type Point, Scalar } from '../group/group.js';
import { proveSchnorr } from '../proofs/schnorr.js';
import type { RandomSource } from '../rng.js';
import { TAGS } from '../tags.js';
import { checkParams, fail, proofJson, signMessage } from './ceremony.js';
import { createComplaint } from './complaint.js';
import { type DealingPhaseInput, type VerifiedDealingPhase, verifyDealingPhase } from './dealing-phase.js';
import { evaluateCommitments } from './polynomial.js';
import { openShareWithSecret, sharedSecretFor } from './share-encryption.js';
import type {
  CeremonyFailure,
  Complaint,
  PedersenTrusteeSecrets,
  ShareConfirmation,
  ThresholdKey,
} from './types.js';

export type ReceiveResult =
  | {
      readonly ok: true;
      readonly share: Scalar;
      readonly verificationKey: Point;
      readonly key: ThresholdKey;
      readonly phase: VerifiedDealingPhase;
    }
  | {
      readonly ok: false;
      readonly failures: readonly CeremonyFailure[];
      readonly complaints: readonly Complaint[];
    };

/** Context of the confirmation's proof of knowledge of x_j (§8.1.5). */
export function shareProofContext(ctx: Uint8Array, index: number, transcript: string) {
  return [ctx, index, transcript];
}

/** Verify the public transcript, then open and check the shares addressed to `secrets.index`. */
export function receiveShares(
  input: DealingPhaseInput,
  secrets: PedersenTrusteeSecrets,
  random: RandomSource,
): ReceiveResult {
  checkParams(input.params);
  if (secrets.ceremonyId !== input.params.ceremonyId)
    throw new RangeError('secrets belong to another ceremony');
  const verified = verifyDealingPhase(input);
  if (!verified.ok) return { ok: false, failures: [verified], complaints: [] };
  const phase = verified.phase;
  const j = secrets.index;
  const E = phase.keys[j]!.encryptionKey;
  if (
    !E.equals(baseMul(secrets.encryptionKey)) ||
    !phase.keys[j]!.signingKey.equals(baseMul(secrets.signingKey))
  ) {
    return {
      ok: false,
      failures: [fail('ROSTER_INVALID', j, 'roster: our own certificate was replaced')],
      complaints: [],
    };
  }
  const failures: CeremonyFailure[] = [];
  const complaints: Complaint[] = [];
  let x = Scalar.zero;
  for (let i = 1; i <= input.params.n; i++) {
    const enc = phase.dealings[i - 1]!.shares[j - 1]!;
    const opened = openShareWithSecret(phase.ctx, i, j, E, enc, sharedSecretFor(secrets.encryptionKey, enc));
    if (!opened.ok || !baseMul(opened.share).equals(evaluateCommitments(phase.coefficients[i - 1]!, j))) {
      const code = opened.ok ? 'SHARE_INVALID' : opened.code;
      const what = code === 'SHARE_INVALID' ? 'does not match the commitments' : 'does not decrypt';
      failures.push(fail(code, i, `share from trustee ${i}: ${what}`));
      complaints.push(createComplaint(phase.ctx, input.params.ceremonyId, i, enc, secrets, random));
      continue;
    }
    x = x.add(opened.share);
  }
  if (failures.length > 0) return { ok: false, failures, complaints };
  const X = baseMul(x);
  // Σ_i s_ij·G = Σ_i f_i(j)·G = X_j holds whenever every Feldman check passed.
  if (!X.equals(phase.verificationKeys[j - 1]!)) throw new Error('receiveShares: internal inconsistency');
  return { ok: true, share: x, verificationKey: X, key: phase.key, phase };
}

export type FinalizeResult =
  | {
      readonly ok: true;
      readonly confirmation: ShareConfirmation;
      readonly secrets: PedersenTrusteeSecrets;
      readonly key: ThresholdKey;
    }
  | {
      readonly ok: false;
      readonly failures: readonly CeremonyFailure[];
      readonly complaints: readonly Complaint[];
    };

/** Step 5: accept the shares, keep x_j (dropping the polynomial) and sign a confirmation. */
export function finalizeTrustee(
  input: DealingPhaseInput,
  secrets: PedersenTrusteeSecrets,
  random: RandomSource,
): FinalizeResult {
  const r = receiveShares(input, secrets, random);
  if (!r.ok) return r;
  const j = secrets.index;
  const { ctx, transcriptHash } = r.phase;
  const proof = proveSchnorr(
    TAGS.trusteeShareProof,
    shareProofContext(ctx, j, transcriptHash),
    r.share,
    r.verificationKey,
    random,
  );
  const body = {
    v: 1 as const,
    ceremonyId: input.params.ceremonyId,
    index: j,
    transcriptHash,
    verificationKey: r.verificationKey.toBase64Url(),
    proof: proofJson(proof),
  };
  const signature = signMessage(
    ctx,
    j,
    'confirmation',
    body,
    secrets.signingKey,
    r.phase.keys[j]!.signingKey,
    random,
  );
  const { coefficients: _a, keyProof: _p, ...kept } = secrets;
  return { ok: true, confirmation: { ...body, signature }, secrets: { ...kept, share: r.share }, key: r.key };
}

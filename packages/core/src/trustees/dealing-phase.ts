/**
 * Verification of the public transcript up to and including the dealings (protocol §8.1.3–8.1.5):
 * roster, commitment set, T_0's key and every dealing, then the transcript hash and the derived
 * public keys. Trustees run it on what the relay delivered before accepting their shares; the
 * verifier runs it as the first half of `verifyCeremony`.
 */
import type { Point } from '../group/group.js';
import { ceremonyContext, checkParams, transcriptHash } from './ceremony.js';
import { type TrusteePublicKeys, verifyRoster } from './certificate.js';
import { verifyCommitmentSet, verifyDealings, verifySingleKey } from './dkg-checks.js';
import { evaluateCommitments, sumCommitments } from './polynomial.js';
import type {
  CeremonyParams,
  CeremonyResult,
  CoefficientCommitment,
  Dealing,
  SingleTrusteeKey,
  ThresholdKey,
} from './types.js';

/** What the relay hands a trustee after step 3 (all public). */
export interface DealingPhaseInput {
  readonly params: CeremonyParams;
  readonly certificates: unknown;
  readonly commitments: unknown;
  readonly singleKey: unknown;
  readonly dealings: unknown;
}

export interface VerifiedDealingPhase {
  readonly ctx: Uint8Array;
  readonly keys: readonly (TrusteePublicKeys | undefined)[];
  readonly rosterHash: string;
  readonly commitments: readonly CoefficientCommitment[];
  readonly commitmentSetHash: string;
  readonly singleKey: SingleTrusteeKey;
  readonly h0: Point;
  readonly dealings: readonly Dealing[];
  /** coefficients[i − 1] = C_i0..C_i(t−1) of dealer i. */
  readonly coefficients: readonly (readonly Point[])[];
  readonly transcriptHash: string;
  /** verificationKeys[j − 1] = X_j = Σ_i f_i(j)·G. */
  readonly verificationKeys: readonly Point[];
  readonly key: ThresholdKey;
}

export function verifyDealingPhase(
  input: DealingPhaseInput,
): CeremonyResult<{ phase: VerifiedDealingPhase }> {
  const { params } = input;
  checkParams(params);
  const ctx = ceremonyContext(params);
  const roster = verifyRoster(params, input.certificates);
  if (!roster.ok) return roster;
  const set = verifyCommitmentSet(params, roster.keys, roster.rosterHash, input.commitments);
  if (!set.ok) return set;
  const single = verifySingleKey(params, set.commitments, set.commitmentSetHash, input.singleKey);
  if (!single.ok) return single;
  const dealt = verifyDealings(params, roster.keys, set.commitments, set.commitmentSetHash, input.dealings);
  if (!dealt.ok) return dealt;
  const singleKey = input.singleKey as SingleTrusteeKey;
  const tHash = transcriptHash(ctx, roster.rosterHash, set.commitmentSetHash, singleKey, dealt.dealings);
  const F = sumCommitments(dealt.coefficients, params.t);
  const hP = F[0]!;
  const verificationKeys = Array.from({ length: params.n }, (_, k) => evaluateCommitments(F, k + 1));
  const key: ThresholdKey = {
    v: 1,
    ceremonyId: params.ceremonyId,
    n: params.n,
    t: params.t,
    electionKey: single.publicKey.add(hP).toBase64Url(),
    singleKey: single.publicKey.toBase64Url(),
    groupKey: hP.toBase64Url(),
    verificationKeys: verificationKeys.map((X) => X.toBase64Url()),
    transcriptHash: tHash,
  };
  return {
    ok: true,
    phase: {
      ctx,
      keys: roster.keys,
      rosterHash: roster.rosterHash,
      commitments: set.commitments,
      commitmentSetHash: set.commitmentSetHash,
      singleKey,
      h0: single.publicKey,
      dealings: dealt.dealings,
      coefficients: dealt.coefficients,
      transcriptHash: tHash,
      verificationKeys,
      key,
    },
  };
}

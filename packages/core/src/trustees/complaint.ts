/**
 * Verifiable complaints (protocol §8.2.3). A recipient whose share fails to decrypt or to match the
 * dealer's Feldman commitments discloses the Diffie–Hellman secret K = e_j·R of that one share, with
 * a Chaum–Pedersen proof that log_G E_j = log_R K, and signs the complaint. Anyone can then derive
 * the share key, decrypt the share and see who lied: the dealer (upheld) or the complainant
 * (unfounded). Only the disputed share is disclosed; the ceremony is restarted without the culprit.
 */
import { baseMul, type Point, Scalar } from '../group/group.js';
import { proveDleq, verifyDleq } from '../proofs/chaum-pedersen.js';
import type { RandomSource } from '../rng.js';
import { TAGS } from '../tags.js';
import {
  decodePoint,
  decodeProof,
  expectObject,
  fail,
  guarded,
  MalformedError,
  proofJson,
  signMessage,
  verifySignature,
} from './ceremony.js';
import { type DealingPhaseInput, verifyDealingPhase } from './dealing-phase.js';
import { evaluateCommitments } from './polynomial.js';
import { openShareWithSecret } from './share-encryption.js';
import type { CeremonyFailure, Complaint, EncryptedShare, PedersenTrusteeSecrets } from './types.js';

const G = () => baseMul(Scalar.one);

function complaintContext(ctx: Uint8Array, dealer: number, complainant: number) {
  return [ctx, dealer, complainant];
}

/** Build a signed complaint by `secrets.index` against `dealer` about the share `enc`. */
export function createComplaint(
  ctx: Uint8Array,
  ceremonyId: string,
  dealer: number,
  enc: EncryptedShare,
  secrets: PedersenTrusteeSecrets,
  random: RandomSource,
): Complaint {
  const j = secrets.index;
  const R = decodePoint(enc.ephemeral, 'share.ephemeral');
  const E = baseMul(secrets.encryptionKey);
  const K = R.mul(secrets.encryptionKey);
  const proof = proveDleq(
    TAGS.complaintProof,
    complaintContext(ctx, dealer, j),
    { B1: G(), Y1: E, B2: R, Y2: K },
    secrets.encryptionKey,
    random,
  );
  const S = baseMul(secrets.signingKey);
  const body = {
    v: 1 as const,
    ceremonyId,
    complainant: j,
    dealer,
    sharedSecret: K.toBase64Url(),
    proof: proofJson(proof),
  };
  return { ...body, signature: signMessage(ctx, j, 'complaint', body, secrets.signingKey, S, random) };
}

export type ComplaintVerdict =
  | {
      readonly ok: true;
      readonly upheld: true;
      readonly dealer: number;
      readonly code: 'SHARE_DECRYPT_FAILED' | 'SHARE_INVALID';
    }
  | {
      readonly ok: true;
      readonly upheld: false;
      readonly complainant: number;
      readonly code: 'COMPLAINT_UNFOUNDED';
    }
  | ({ readonly ok: false } & CeremonyFailure);

/**
 * Judge a complaint against the public transcript (§8.2.3). `ok: false` means the complaint itself
 * (or the transcript) is invalid; otherwise `upheld` says whether the dealer or the complainant lied.
 */
export function verifyComplaint(input: DealingPhaseInput, complaint: unknown): ComplaintVerdict {
  const phase = verifyDealingPhase(input);
  if (!phase.ok) return phase;
  const { ctx, keys, dealings, coefficients } = phase.phase;
  const { params } = input;
  const r = guarded(0, (): ComplaintVerdict => {
    const c = expectObject(complaint, 'complaint');
    if (c.v !== 1) throw new MalformedError('complaint: v must be 1');
    const j = c.complainant;
    const i = c.dealer;
    const inRange = (x: unknown): x is number =>
      Number.isSafeInteger(x) && (x as number) >= 1 && (x as number) <= params.n;
    if (c.ceremonyId !== params.ceremonyId || !inRange(j) || !inRange(i)) {
      return fail('CEREMONY_MISMATCH', 0, 'complaint: wrong ceremony or trustee index');
    }
    const K = decodePoint(c.sharedSecret, 'complaint.sharedSecret');
    const proof = decodeProof(c.proof, 'complaint.proof');
    const E: Point = keys[j]!.encryptionKey;
    if (!verifySignature(ctx, j, 'complaint', c, keys[j]!.signingKey)) {
      return fail('SIGNATURE_INVALID', j, 'complaint: signature does not verify');
    }
    const enc = dealings[i - 1]!.shares[j - 1]!;
    const R = decodePoint(enc.ephemeral, 'share.ephemeral');
    if (
      !verifyDleq(TAGS.complaintProof, complaintContext(ctx, i, j), { B1: G(), Y1: E, B2: R, Y2: K }, proof)
    ) {
      return fail('COMPLAINT_PROOF_INVALID', j, 'complaint: the disclosed secret is not proven');
    }
    const opened = openShareWithSecret(ctx, i, j, E, enc, K);
    if (!opened.ok) return { ok: true, upheld: true, dealer: i, code: opened.code };
    if (!baseMul(opened.share).equals(evaluateCommitments(coefficients[i - 1]!, j))) {
      return { ok: true, upheld: true, dealer: i, code: 'SHARE_INVALID' };
    }
    return { ok: true, upheld: false, complainant: j, code: 'COMPLAINT_UNFOUNDED' };
  });
  return r;
}

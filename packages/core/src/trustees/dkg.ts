/**
 * Steps 2 and 3 of the Pedersen DKG with Feldman commitments (protocol §8.1.3–8.1.4), with a
 * commit-then-reveal of the coefficient commitments: every participant (T_0 included) first
 * publishes a signed hash of its commitments and proof, and reveals them only once all n + 1 hashes
 * are fixed. A rushing participant therefore cannot choose its polynomial after seeing the others'.
 * Each step re-verifies what the untrusted relay delivered before building on it.
 */
import { baseMul, type Point, randomScalar } from '../group/group.js';
import { proveSchnorr, type SchnorrProof } from '../proofs/schnorr.js';
import type { RandomSource } from '../rng.js';
import { TAGS } from '../tags.js';
import {
  ceremonyContext,
  checkParams,
  coefficientDigest,
  commitmentSetHash,
  decodeProof,
  fail,
  keyProofContext,
  proofJson,
  signMessage,
} from './ceremony.js';
import { type TrusteePublicKeys, verifyRoster } from './certificate.js';
import { verifyCommitmentSet } from './dkg-checks.js';
import { evaluatePolynomial, feldmanCommitments, randomPolynomial } from './polynomial.js';
import { encryptShare } from './share-encryption.js';
import type {
  CeremonyParams,
  CeremonyResult,
  CoefficientCommitment,
  Dealing,
  PedersenTrusteeSecrets,
  SingleTrusteeKey,
  SingleTrusteeSecrets,
} from './types.js';

/** Own certificate must be in the roster unchanged (otherwise the relay substituted it). */
function ownKeysCheck(
  secrets: PedersenTrusteeSecrets,
  keys: readonly (TrusteePublicKeys | undefined)[],
): ({ ok: false } & ReturnType<typeof fail>) | undefined {
  const mine = keys[secrets.index];
  if (
    !mine?.signingKey.equals(baseMul(secrets.signingKey)) ||
    !mine.encryptionKey.equals(baseMul(secrets.encryptionKey))
  ) {
    return fail('ROSTER_INVALID', secrets.index, 'roster: our own certificate was replaced');
  }
  return undefined;
}

function checkSecrets(params: CeremonyParams, secrets: { ceremonyId: string; index: number }): void {
  checkParams(params);
  if (secrets.ceremonyId !== params.ceremonyId) throw new RangeError('secrets belong to another ceremony');
}

/** Step 2 (Pedersen trustee): pick f_i, commit to (C_i0..C_i(t−1), proof) by hash, sign. */
export function commitCoefficients(
  params: CeremonyParams,
  certificates: unknown,
  secrets: PedersenTrusteeSecrets,
  random: RandomSource,
): CeremonyResult<{ commitment: CoefficientCommitment; secrets: PedersenTrusteeSecrets }> {
  checkSecrets(params, secrets);
  const roster = verifyRoster(params, certificates);
  if (!roster.ok) return roster;
  const own = ownKeysCheck(secrets, roster.keys);
  if (own) return own;
  const ctx = ceremonyContext(params);
  const i = secrets.index;
  const a = randomPolynomial(params.t, random);
  const C = feldmanCommitments(a);
  const proof = proveSchnorr(
    TAGS.trusteeKeyProof,
    keyProofContext(ctx, i, roster.keys[i], C),
    a[0]!,
    C[0]!,
    random,
  );
  const body = {
    v: 1 as const,
    ceremonyId: params.ceremonyId,
    index: i,
    rosterHash: roster.rosterHash,
    digest: coefficientDigest(ctx, i, C, proof),
  };
  const signature = signMessage(
    ctx,
    i,
    'commitment',
    body,
    secrets.signingKey,
    roster.keys[i]!.signingKey,
    random,
  );
  return {
    ok: true,
    commitment: { ...body, signature },
    secrets: { ...secrets, coefficients: a, keyProof: proofJson(proof) },
  };
}

/** Step 2 (T_0): pick x_0, commit to (h_0, proof) by hash. T_0 is the relay itself, so it does not sign. */
export function commitSingleTrustee(
  params: CeremonyParams,
  certificates: unknown,
  random: RandomSource,
): CeremonyResult<{ commitment: CoefficientCommitment; secrets: SingleTrusteeSecrets }> {
  checkParams(params);
  const roster = verifyRoster(params, certificates);
  if (!roster.ok) return roster;
  const ctx = ceremonyContext(params);
  const x0 = randomScalar(random);
  const h0 = baseMul(x0);
  const proof = proveSchnorr(TAGS.trusteeKeyProof, keyProofContext(ctx, 0, undefined, [h0]), x0, h0, random);
  return {
    ok: true,
    commitment: {
      v: 1,
      ceremonyId: params.ceremonyId,
      index: 0,
      rosterHash: roster.rosterHash,
      digest: coefficientDigest(ctx, 0, [h0], proof),
    },
    secrets: {
      kind: 'single',
      ceremonyId: params.ceremonyId,
      index: 0,
      share: x0,
      keyProof: proofJson(proof),
    },
  };
}

function ownCommitmentCheck(
  ctx: Uint8Array,
  index: number,
  C: readonly Point[],
  proof: SchnorrProof,
  commitments: readonly CoefficientCommitment[],
) {
  if (commitments[index]!.digest !== coefficientDigest(ctx, index, C, proof)) {
    return fail('COMMITMENT_MISMATCH', index, 'commitments: our own commitment was replaced');
  }
  return undefined;
}

/** Step 3 (Pedersen trustee): once all n + 1 commitments are known, reveal and send s_ij = f_i(j) to every j. */
export function dealShares(
  params: CeremonyParams,
  certificates: unknown,
  commitments: unknown,
  secrets: PedersenTrusteeSecrets,
  random: RandomSource,
): CeremonyResult<{ dealing: Dealing }> {
  checkSecrets(params, secrets);
  if (!secrets.coefficients || !secrets.keyProof) throw new RangeError('dealShares: commit first');
  const roster = verifyRoster(params, certificates);
  if (!roster.ok) return roster;
  const own = ownKeysCheck(secrets, roster.keys);
  if (own) return own;
  const set = verifyCommitmentSet(params, roster.keys, roster.rosterHash, commitments);
  if (!set.ok) return set;
  const ctx = ceremonyContext(params);
  const i = secrets.index;
  const a = secrets.coefficients;
  const C = feldmanCommitments(a);
  const proof = decodeProof(secrets.keyProof, 'keyProof');
  const mismatch = ownCommitmentCheck(ctx, i, C, proof, set.commitments);
  if (mismatch) return mismatch;
  const shares = [];
  for (let j = 1; j <= params.n; j++) {
    shares.push(encryptShare(ctx, i, j, roster.keys[j]!.encryptionKey, evaluatePolynomial(a, j), random));
  }
  const body = {
    v: 1 as const,
    ceremonyId: params.ceremonyId,
    index: i,
    commitmentSetHash: commitmentSetHash(ctx, roster.rosterHash, set.commitments),
    coefficients: C.map((p) => p.toBase64Url()),
    proof: secrets.keyProof,
    shares,
  };
  const signature = signMessage(
    ctx,
    i,
    'dealing',
    body,
    secrets.signingKey,
    roster.keys[i]!.signingKey,
    random,
  );
  return { ok: true, dealing: { ...body, signature } };
}

/** Step 3 (T_0): once all n + 1 commitments are known, reveal h_0 and its proof. */
export function revealSingleTrustee(
  params: CeremonyParams,
  certificates: unknown,
  commitments: unknown,
  secrets: SingleTrusteeSecrets,
): CeremonyResult<{ singleKey: SingleTrusteeKey }> {
  checkSecrets(params, secrets);
  if (!secrets.keyProof) throw new RangeError('revealSingleTrustee: commit first');
  const roster = verifyRoster(params, certificates);
  if (!roster.ok) return roster;
  const set = verifyCommitmentSet(params, roster.keys, roster.rosterHash, commitments);
  if (!set.ok) return set;
  const ctx = ceremonyContext(params);
  const h0 = baseMul(secrets.share);
  const mismatch = ownCommitmentCheck(
    ctx,
    0,
    [h0],
    decodeProof(secrets.keyProof, 'keyProof'),
    set.commitments,
  );
  if (mismatch) return mismatch;
  return {
    ok: true,
    singleKey: {
      v: 1,
      ceremonyId: params.ceremonyId,
      index: 0,
      commitmentSetHash: commitmentSetHash(ctx, roster.rosterHash, set.commitments),
      publicKey: h0.toBase64Url(),
      proof: secrets.keyProof,
    },
  };
}

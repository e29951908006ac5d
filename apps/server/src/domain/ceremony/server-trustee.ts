/**
 * Electra's own mandatory trustee T_0 (protocol §8: index 0, a "single" trustee run by the server),
 * so that no coalition of external trustees decrypts without the server and a single external
 * trustee (n = t = 1) never decrypts alone. Its secret x_0 is generated here with the core, sealed at
 * rest with the key-encryption key (AES-256-GCM, associated data naming the ceremony, so a sealed
 * secret copied to another ceremony's row does not open) and never returned by any route. The tally
 * reads it back through `openServerSecrets` to compute T_0's partial decryption (§8.4).
 */
import {
  type CeremonyParams,
  type CeremonyResult,
  type CoefficientCommitment,
  commitSingleTrustee,
  type ProofJson,
  type RandomSource,
  revealSingleTrustee,
  Scalar,
  type SingleTrusteeKey,
  type SingleTrusteeSecrets,
} from '@electra/core';
import type { SecretBox } from '../auth/secret-box.js';

function associatedData(ceremonyId: string): string {
  return `electra/ceremony/t0-secrets:${ceremonyId}`;
}

export function sealServerSecrets(box: SecretBox, secrets: SingleTrusteeSecrets): Buffer {
  const plain = JSON.stringify({ share: secrets.share.toBase64Url(), keyProof: secrets.keyProof ?? null });
  return box.seal(Buffer.from(plain, 'utf8'), associatedData(secrets.ceremonyId));
}

/** Throws when the key-encryption key is wrong or the row was altered or moved. */
export function openServerSecrets(
  box: SecretBox,
  ceremonyId: string,
  sealed: Uint8Array,
): SingleTrusteeSecrets {
  const plain = JSON.parse(box.open(sealed, associatedData(ceremonyId)).toString('utf8')) as {
    share: string;
    keyProof: ProofJson | null;
  };
  return {
    kind: 'single',
    ceremonyId,
    index: 0,
    share: Scalar.fromBase64Url(plain.share),
    ...(plain.keyProof ? { keyProof: plain.keyProof } : {}),
  };
}

/** Step 2 for T_0, once the roster is complete: fresh x_0 and its hash commitment. */
export function serverCommit(
  params: CeremonyParams,
  certificates: unknown,
  random: RandomSource,
): CeremonyResult<{ commitment: CoefficientCommitment; secrets: SingleTrusteeSecrets }> {
  return commitSingleTrustee(params, certificates, random);
}

/** Step 3 for T_0, once all n + 1 commitments are in: reveal h_0 with its proof. */
export function serverReveal(
  params: CeremonyParams,
  certificates: unknown,
  commitments: unknown,
  secrets: SingleTrusteeSecrets,
): CeremonyResult<{ singleKey: SingleTrusteeKey }> {
  return revealSingleTrustee(params, certificates, commitments, secrets);
}

/**
 * Wire formats of the trustee ceremony and of decryption (protocol §8), version 1. Every message is
 * a plain JSON object (elements and scalars as unpadded base64url) so that it can travel through the
 * untrusted relay, be stored on the board and be hashed in canonical form (§2.6). Secrets never
 * appear in these types; they live in `TrusteeSecrets` and leave a trustee's device only inside a
 * passphrase-protected key file (§8.3).
 */
import type { Scalar } from '../group/group.js';

/** A Schnorr proof or signature (protocol §4.1): challenge and response scalars. */
export interface ProofJson {
  readonly c: string;
  readonly z: string;
}

/** Fixed by the officer before the ceremony (§8.1.1). Trustees 1..n form a t-of-n Pedersen group. */
export interface CeremonyParams {
  readonly v: 1;
  readonly ceremonyId: string;
  /** base64url of the 32-byte manifest hash (§5). */
  readonly manifestHash: string;
  readonly n: number;
  readonly t: number;
}

/** Step 1 (§8.1.2): a Pedersen trustee's long-term keys with proofs of possession. */
export interface TrusteeCertificate {
  readonly v: 1;
  readonly ceremonyId: string;
  readonly index: number;
  readonly name: string;
  readonly signingKey: string;
  readonly encryptionKey: string;
  readonly signingProof: ProofJson;
  readonly encryptionProof: ProofJson;
}

/** Step 2 (§8.1.3): a hash commitment to a trustee's coefficient commitments (index 0 = T_0, unsigned). */
export interface CoefficientCommitment {
  readonly v: 1;
  readonly ceremonyId: string;
  readonly index: number;
  readonly rosterHash: string;
  readonly digest: string;
  readonly signature?: ProofJson;
}

/** s_ij encrypted to recipient j (§8.2). */
export interface EncryptedShare {
  readonly recipient: number;
  readonly ephemeral: string;
  readonly nonce: string;
  readonly ciphertext: string;
}

/** Step 3 (§8.1.4): Feldman commitments C_i0..C_i(t−1), proof of knowledge of a_i0, n encrypted shares. */
export interface Dealing {
  readonly v: 1;
  readonly ceremonyId: string;
  readonly index: number;
  readonly commitmentSetHash: string;
  readonly coefficients: readonly string[];
  readonly proof: ProofJson;
  readonly shares: readonly EncryptedShare[];
  readonly signature: ProofJson;
}

/** Step 3 for T_0 (§8.1.4): its public key h_0 with a proof of knowledge. */
export interface SingleTrusteeKey {
  readonly v: 1;
  readonly ceremonyId: string;
  readonly index: 0;
  readonly commitmentSetHash: string;
  readonly publicKey: string;
  readonly proof: ProofJson;
}

/** A recipient's verifiable accusation that dealer's share is bad (§8.2.3). */
export interface Complaint {
  readonly v: 1;
  readonly ceremonyId: string;
  readonly complainant: number;
  readonly dealer: number;
  /** K = e_j·R, the DH secret of that one share, with a DLEQ proof (reveals only this share). */
  readonly sharedSecret: string;
  readonly proof: ProofJson;
  readonly signature: ProofJson;
}

/** Step 4 (§8.1.5): trustee j confirms the transcript and proves knowledge of x_j. */
export interface ShareConfirmation {
  readonly v: 1;
  readonly ceremonyId: string;
  readonly index: number;
  readonly transcriptHash: string;
  readonly verificationKey: string;
  readonly proof: ProofJson;
  readonly signature: ProofJson;
}

/** Everything public about one ceremony (§8.1.6); what `verifyCeremony` checks. */
export interface CeremonyTranscript {
  readonly v: 1;
  readonly params: CeremonyParams;
  readonly certificates: readonly TrusteeCertificate[];
  /** Indexed 0..n: commitments[0] is T_0's. */
  readonly commitments: readonly CoefficientCommitment[];
  readonly singleKey: SingleTrusteeKey;
  readonly dealings: readonly Dealing[];
  readonly confirmations: readonly ShareConfirmation[];
}

/** The public outcome of a ceremony (§8.1.6): election key h = h_0 + h_P and verification keys. */
export interface ThresholdKey {
  readonly v: 1;
  readonly ceremonyId: string;
  readonly n: number;
  readonly t: number;
  readonly electionKey: string;
  readonly singleKey: string;
  readonly groupKey: string;
  /** X_1..X_n (X_0 = singleKey). */
  readonly verificationKeys: readonly string[];
  readonly transcriptHash: string;
}

/** One decryption factor D = x·α with its Chaum–Pedersen proof (§8.4). */
export interface DecryptionFactor {
  readonly factor: string;
  readonly proof: ProofJson;
}

/** Trustee's partial decryption of a list of ciphertexts, in order (§8.4). */
export interface PartialDecryption {
  readonly v: 1;
  readonly trustee: number;
  readonly factors: readonly DecryptionFactor[];
}

/** A Pedersen trustee's secrets during and after the ceremony (never sent anywhere but the key file). */
export interface PedersenTrusteeSecrets {
  readonly kind: 'pedersen';
  readonly ceremonyId: string;
  readonly index: number;
  readonly signingKey: Scalar;
  readonly encryptionKey: Scalar;
  /** a_i0..a_i(t−1), kept between commitment and dealing, dropped once the share is final. */
  readonly coefficients?: readonly Scalar[];
  /** The (public) proof of knowledge of a_i0 committed in step 2, re-sent in step 3. */
  readonly keyProof?: ProofJson;
  /** x_i, once the ceremony is finalized. */
  readonly share?: Scalar;
}

/** T_0's secret x_0. */
export interface SingleTrusteeSecrets {
  readonly kind: 'single';
  readonly ceremonyId: string;
  readonly index: 0;
  readonly share: Scalar;
  /** The (public) proof of knowledge of x_0 committed in step 2, re-sent in step 3. */
  readonly keyProof?: ProofJson;
}

export type TrusteeSecrets = PedersenTrusteeSecrets | SingleTrusteeSecrets;

/** Stable failure codes of the ceremony (§8.1.7). */
export type CeremonyErrorCode =
  | 'PARAMS_INVALID'
  | 'MESSAGE_MALFORMED'
  | 'CEREMONY_MISMATCH'
  | 'CERTIFICATE_INVALID'
  | 'ROSTER_INVALID'
  | 'COMMITMENT_MISSING'
  | 'DEALING_MISSING'
  | 'CONFIRMATION_MISSING'
  | 'ROSTER_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'COMMITMENT_MISMATCH'
  | 'COMMITMENT_SET_MISMATCH'
  | 'KEY_PROOF_INVALID'
  | 'SHARE_MISSING'
  | 'SHARE_DECRYPT_FAILED'
  | 'SHARE_INVALID'
  | 'COMPLAINT_PROOF_INVALID'
  | 'TRANSCRIPT_MISMATCH'
  | 'CONFIRMATION_INVALID'
  | 'VERIFICATION_KEY_MISMATCH';

/** A located failure: which trustee's message (index) failed and why. */
export interface CeremonyFailure {
  readonly code: CeremonyErrorCode;
  readonly index: number;
  readonly message: string;
}

export type CeremonyResult<T> = ({ readonly ok: true } & T) | ({ readonly ok: false } & CeremonyFailure);

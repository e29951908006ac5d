/**
 * The ballot signature (protocol §4.2, §7.4): a Schnorr proof of knowledge of the credential secret
 * whose context is the election fingerprint and the SHA-256 of the unsigned ballot's canonical JSON.
 * It is what ties a ballot to one listed credential: a ballot copied onto another credential, or
 * altered in any field, no longer verifies, and the server cannot make ballots for credentials it
 * does not hold.
 */
import { canonicalJson } from '../codec/canonical-json.js';
import type { CredentialKey } from '../credentials.js';
import { type ElectionParams, electionFingerprintBytes } from '../election.js';
import { utf8 } from '../group/bytes.js';
import { sha256 } from '../group/hash.js';
import { proveSchnorr, type SchnorrProof, verifySchnorr } from '../proofs/schnorr.js';
import type { RandomSource } from '../rng.js';
import { TAGS } from '../tags.js';
import {
  type Ballot,
  type UnsignedBallot,
  type UnsignedBallotJson,
  unsignedBallotToJSON,
} from './serialize.js';

/** SHA-256 of the canonical JSON of the ballot without its `signature` field (protocol §7.4). */
export function ballotContentHash(unsigned: UnsignedBallot | UnsignedBallotJson): Uint8Array {
  const json =
    typeof unsigned.credential === 'string' ? unsigned : unsignedBallotToJSON(unsigned as UnsignedBallot);
  const { v, election, credential, answers } = json as UnsignedBallotJson;
  return sha256(utf8(canonicalJson({ v, election, credential, answers })));
}

/** Sign an unsigned ballot with the voter's credential key. Throws (misuse) on a foreign credential. */
export function signBallot(
  params: ElectionParams,
  unsigned: UnsignedBallot,
  key: CredentialKey,
  random: RandomSource,
): Ballot {
  if (!unsigned.credential.equals(key.publicCredential)) {
    throw new TypeError('signBallot: the ballot was made for another credential');
  }
  const context = [electionFingerprintBytes(params), ballotContentHash(unsigned)];
  const signature = proveSchnorr(TAGS.credentialSignature, context, key.secret, key.publicCredential, random);
  const { v, election, credential, answers } = unsigned;
  return { v, election, credential, answers, signature };
}

/** Check a ballot signature given the fingerprint bytes and the content hash (protocol §7.4 step 4). */
export function verifyBallotSignature(
  fingerprint: Uint8Array,
  ballot: { readonly credential: Ballot['credential'] },
  contentHash: Uint8Array,
  signature: SchnorrProof,
): boolean {
  return verifySchnorr(TAGS.credentialSignature, [fingerprint, contentHash], ballot.credential, signature);
}

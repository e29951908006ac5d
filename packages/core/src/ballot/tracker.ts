/**
 * Ballot trackers (protocol §7.5): the voter's receipt. The full tracker is the SHA-256 of the
 * ballot's canonical JSON, so anyone can recompute it with standard tools from the ballot on the
 * board; the short code is its first 50 bits in Crockford base32, grouped 5-5, for reading aloud
 * or comparing on a phone screen. Also the "same ballot" test used to keep challenged ballots out.
 */
import { canonicalJson } from '../codec/canonical-json.js';
import { toBase64Url, utf8 } from '../group/bytes.js';
import { hash256, sha256 } from '../group/hash.js';
import { TAGS } from '../tags.js';
import { type Ballot, type BallotJson, ballotToJSON, type UnsignedBallot } from './serialize.js';

export interface Tracker {
  /** SHA-256 of the canonical ballot JSON, unpadded base64url (43 characters). */
  readonly hash: string;
  /** The first 50 bits of the hash in Crockford base32, as `XXXXX-XXXXX`. */
  readonly short: string;
}

/** Crockford's base32: digits and capitals without I, L, O, U. */
export const TRACKER_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The short code of a tracker hash (protocol §7.5). */
export function shortTrackerCode(hash: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  let i = 0;
  while (out.length < 10) {
    if (bits < 5) {
      acc = ((acc << 8) | hash[i++]!) & 0xffff;
      bits += 8;
    }
    bits -= 5;
    out += TRACKER_ALPHABET[(acc >> bits) & 31];
  }
  return `${out.slice(0, 5)}-${out.slice(5)}`;
}

function trackerOfCanonical(text: string): Tracker {
  const h = sha256(utf8(text));
  return { hash: toBase64Url(h), short: shortTrackerCode(h) };
}

/** The tracker of a ballot (protocol §7.5). */
export function ballotTracker(ballot: Ballot): Tracker {
  return trackerOfCanonical(canonicalJson(ballotToJSON(ballot)));
}

/** The tracker of a ballot given as JSON (the caller has validated it: see `verifyBallot`). */
export function ballotJsonTracker(json: BallotJson): Tracker {
  return trackerOfCanonical(canonicalJson(json));
}

/**
 * H("electra/v1/ballot-ciphertexts"; election, [[α, β] per choice] per question): identifies the
 * encrypted vote itself, whatever proofs, credential or signature accompany it (protocol §7.6).
 */
export function ballotCiphertextsHash(ballot: UnsignedBallot): string {
  const cts = ballot.answers.map((a) => a.choices.map((c) => [c.alpha, c.beta]));
  return toBase64Url(hash256(TAGS.ballotCiphertexts, [ballot.election, cts]));
}

/**
 * True when two ballots carry the same encrypted vote for the same election (protocol §7.6): the
 * server refuses a ballot that is the same as any challenged one, even re-proven or re-signed.
 */
export function isSameBallot(a: UnsignedBallot, b: UnsignedBallot): boolean {
  return ballotCiphertextsHash(a) === ballotCiphertextsHash(b);
}

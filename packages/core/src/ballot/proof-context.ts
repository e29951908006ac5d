/**
 * The Fiat–Shamir contexts of a ballot's proofs (protocol §7.2–§7.3), in one place so the prover and
 * the verifier cannot drift apart. Each context binds the election fingerprint and the voter's public
 * credential, so a proof cannot be lifted into another election or onto another voter's ballot, and
 * the question (and choice) index, so proofs cannot be swapped between positions.
 */
import type { Point } from '../group/group.js';
import type { HashItem } from '../group/hash.js';

/** The 0/1 set of every choice proof. */
export const CHOICE_SET: readonly number[] = [0, 1];

/** Context of the 0/1 proof of choice j of question i: [fingerprint, credential, i, j]. */
export function choiceProofContext(
  fingerprint: Uint8Array,
  credential: Point,
  question: number,
  choice: number,
): HashItem[] {
  return [fingerprint, credential, question, choice];
}

/** Context of the overall proof of question i: [fingerprint, credential, i]. */
export function overallProofContext(
  fingerprint: Uint8Array,
  credential: Point,
  question: number,
): HashItem[] {
  return [fingerprint, credential, question];
}

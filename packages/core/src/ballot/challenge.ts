/**
 * The Benaloh challenge (protocol §7.6). Before casting, a voter may ask the booth to open the ballot
 * it just made: the booth reveals every choice and its encryption randomness, and anyone (a second
 * device, an auditor) recomputes the ciphertexts to catch a booth that encrypted something else. An
 * opened ballot's content is public, so it must never be cast: the booth discards it and encrypts
 * afresh, and the server refuses any ballot that `isSameBallot` as a challenged one.
 */
import type { ElectionParams } from '../election.js';
import { encrypt } from '../elgamal.js';
import { DecodeError, Scalar } from '../group/group.js';
import { type BallotSecrets, checkSelection, type Selection } from './encrypt.js';
import type { Ballot } from './serialize.js';
import type { Tracker } from './tracker.js';
import { type BallotErrorCode, verifyBallot } from './verify.js';

/** What a challenge reveals (protocol §7.6), JSON version 1. */
export interface BallotOpeningJson {
  readonly v: 1;
  /** Tracker hash of the opened ballot. */
  readonly tracker: string;
  readonly choices: readonly (readonly number[])[];
  /** The scalars r_ij, base64url, same shape as `choices`. */
  readonly randomness: readonly (readonly string[])[];
}

export type OpeningErrorCode =
  | BallotErrorCode
  | 'OPENING_MALFORMED'
  | 'OPENING_WRONG_BALLOT'
  | 'OPENING_MISMATCH';

export type OpeningVerifyResult =
  | { readonly ok: true; readonly tracker: Tracker; readonly ballot: Ballot; readonly choices: Selection }
  | { readonly ok: false; readonly code: OpeningErrorCode; readonly path: string; readonly message: string };

/** Reveal a ballot's choices and randomness. The ballot is spent from then on: never cast it. */
export function openBallot(secrets: BallotSecrets): BallotOpeningJson {
  return {
    v: 1,
    tracker: secrets.tracker,
    choices: secrets.choices.map((row) => [...row]),
    randomness: secrets.randomness.map((row) => row.map((r) => r.toBase64Url())),
  };
}

const failure = (code: OpeningErrorCode, path: string, message: string): OpeningVerifyResult => ({
  ok: false,
  code,
  path,
  message,
});

/**
 * Check an opened ballot (protocol §7.6): the ballot itself verifies, the opening names its tracker,
 * the revealed choices form a valid selection, and Enc_h(m_ij; r_ij) equals every ciphertext.
 * Never throws on untrusted input.
 */
export function verifyOpenedBallot(
  params: ElectionParams,
  ballotJson: unknown,
  opening: unknown,
): OpeningVerifyResult {
  const verified = verifyBallot(params, ballotJson);
  if (!verified.ok) return verified;
  const { ballot, tracker } = verified;
  if (typeof opening !== 'object' || opening === null || Array.isArray(opening)) {
    return failure('OPENING_MALFORMED', '$', 'expected an object');
  }
  const o = opening as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'choices,randomness,tracker,v' || o.v !== 1) {
    return failure('OPENING_MALFORMED', '$', 'expected {v: 1, tracker, choices, randomness}');
  }
  if (o.tracker !== tracker.hash)
    return failure('OPENING_WRONG_BALLOT', '$.tracker', 'the opening is for another ballot');
  const choices = o.choices as Selection;
  const sel = checkSelection(params.manifest, choices);
  if (!sel.ok) return failure('OPENING_MALFORMED', `$.choices${sel.path.slice(1)}`, sel.message);
  const randomness = o.randomness;
  if (!Array.isArray(randomness) || randomness.length !== choices.length) {
    return failure('OPENING_MALFORMED', '$.randomness', 'one row per question expected');
  }
  const h = params.publicKey;
  for (let i = 0; i < choices.length; i++) {
    const row = randomness[i];
    if (!Array.isArray(row) || row.length !== choices[i]!.length) {
      return failure('OPENING_MALFORMED', `$.randomness[${i}]`, 'one scalar per answer expected');
    }
    for (let j = 0; j < row.length; j++) {
      const path = `$.randomness[${i}][${j}]`;
      let r: Scalar;
      try {
        r = Scalar.fromBase64Url(row[j] as string);
      } catch (e) {
        if (e instanceof DecodeError) return failure('OPENING_MALFORMED', path, e.message);
        throw e;
      }
      if (!encrypt(h, Scalar.of(choices[i]![j]!), r).equals(ballot.answers[i]!.choices[j]!)) {
        return failure(
          'OPENING_MISMATCH',
          `$.choices[${i}][${j}]`,
          'the ciphertext does not encrypt this choice',
        );
      }
    }
  }
  return { ok: true, tracker, ballot, choices: choices.map((row) => [...row]) };
}

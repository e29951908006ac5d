/**
 * Ballot encryption in the voter's browser (protocol §7.1–§7.4): one call encrypts every choice,
 * proves each is 0 or 1, proves each question's sum is allowed (blank included where permitted),
 * and signs the result with the voter's credential. The randomness is kept in `BallotSecrets` so
 * the booth can later open the ballot for a Benaloh challenge (§7.6) instead of casting it.
 */
import { type CredentialKey, deriveCredentialKey } from '../credentials.js';
import { type ElectionParams, electionFingerprint, electionFingerprintBytes } from '../election.js';
import { encrypt, sumCiphertexts } from '../elgamal.js';
import { randomScalar, Scalar } from '../group/group.js';
import { allowedSums, type Manifest } from '../manifest.js';
import { proveDisjunctive } from '../proofs/disjunctive.js';
import type { RandomSource } from '../rng.js';
import { TAGS } from '../tags.js';
import { CHOICE_SET, choiceProofContext, overallProofContext } from './proof-context.js';
import type { Ballot, BallotAnswer, UnsignedBallot } from './serialize.js';
import { signBallot } from './sign.js';
import { ballotTracker } from './tracker.js';

/** A voter's selection: per question, one 0/1 entry per answer, in manifest order. */
export type Selection = readonly (readonly number[])[];

export type SelectionErrorCode =
  | 'SELECTION_WRONG_SHAPE'
  | 'SELECTION_NOT_BINARY'
  | 'SELECTION_TOO_FEW'
  | 'SELECTION_TOO_MANY';

export type SelectionResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: SelectionErrorCode;
      readonly path: string;
      readonly message: string;
    };

/** What only the voter's booth knows about a ballot: enough to open it (protocol §7.6). */
export interface BallotSecrets {
  /** Tracker hash of the ballot these secrets belong to. */
  readonly tracker: string;
  readonly choices: Selection;
  /** r_ij of every choice ciphertext, same shape as `choices`. */
  readonly randomness: readonly (readonly Scalar[])[];
}

/** Check a selection against the manifest's rules (the booth calls this before encrypting). */
export function checkSelection(manifest: Manifest, choices: Selection): SelectionResult {
  if (!Array.isArray(choices) || choices.length !== manifest.questions.length) {
    return {
      ok: false,
      code: 'SELECTION_WRONG_SHAPE',
      path: '$',
      message: 'one entry per question expected',
    };
  }
  for (let i = 0; i < manifest.questions.length; i++) {
    const q = manifest.questions[i]!;
    const row = choices[i];
    if (!Array.isArray(row) || row.length !== q.answers.length) {
      return {
        ok: false,
        code: 'SELECTION_WRONG_SHAPE',
        path: `$[${i}]`,
        message: 'one entry per answer expected',
      };
    }
    let sum = 0;
    for (let j = 0; j < row.length; j++) {
      if (row[j] !== 0 && row[j] !== 1) {
        return { ok: false, code: 'SELECTION_NOT_BINARY', path: `$[${i}][${j}]`, message: 'expected 0 or 1' };
      }
      sum += row[j]!;
    }
    if (sum > q.max) {
      return { ok: false, code: 'SELECTION_TOO_MANY', path: `$[${i}]`, message: `at most ${q.max} answers` };
    }
    if (sum < q.min && !(sum === 0 && q.blankAllowed)) {
      return { ok: false, code: 'SELECTION_TOO_FEW', path: `$[${i}]`, message: `at least ${q.min} answers` };
    }
  }
  return { ok: true };
}

export interface EncryptBallotInput {
  readonly params: ElectionParams;
  /** The secret credential string as typed by the voter, or its derived key. */
  readonly credential: string | CredentialKey;
  readonly choices: Selection;
  readonly random: RandomSource;
}

/**
 * Encrypt and prove a selection without signing it (protocol §7.1–§7.3). Throws (misuse) on a
 * selection that `checkSelection` rejects: an invalid selection cannot be proven anyway.
 */
export function encryptUnsignedBallot(
  params: ElectionParams,
  publicCredential: CredentialKey['publicCredential'],
  choices: Selection,
  random: RandomSource,
): { ballot: UnsignedBallot; randomness: Scalar[][] } {
  const check = checkSelection(params.manifest, choices);
  if (!check.ok) throw new RangeError(`encryptBallot: ${check.code} at ${check.path}: ${check.message}`);
  const fp = electionFingerprintBytes(params);
  const h = params.publicKey;
  const randomness: Scalar[][] = [];
  const answers: BallotAnswer[] = params.manifest.questions.map((q, i) => {
    const row = choices[i]!;
    const rs = row.map(() => randomScalar(random));
    randomness.push(rs);
    const cts = row.map((m, j) => encrypt(h, Scalar.of(m), rs[j]!));
    const proofs = row.map((m, j) =>
      proveDisjunctive(
        TAGS.choiceProof,
        choiceProofContext(fp, publicCredential, i, j),
        h,
        cts[j]!,
        CHOICE_SET,
        m,
        rs[j]!,
        random,
      ),
    );
    const set = allowedSums(q);
    const sum = row.reduce((a, b) => a + b, 0);
    const total = sumCiphertexts(cts);
    const rTotal = rs.reduce((a, b) => a.add(b), Scalar.zero);
    const overall = proveDisjunctive(
      TAGS.overallProof,
      overallProofContext(fp, publicCredential, i),
      h,
      total,
      set,
      set.indexOf(sum),
      rTotal,
      random,
    );
    return { choices: cts, proofs, overall };
  });
  return {
    ballot: { v: 1, election: electionFingerprint(params), credential: publicCredential, answers },
    randomness,
  };
}

/** Encrypt, prove and sign a ballot in one call (protocol §7). */
export function encryptBallot(input: EncryptBallotInput): { ballot: Ballot; secrets: BallotSecrets } {
  const { params, choices, random } = input;
  const key =
    typeof input.credential === 'string'
      ? deriveCredentialKey(input.credential, params.manifest.id)
      : input.credential;
  const { ballot: unsigned, randomness } = encryptUnsignedBallot(
    params,
    key.publicCredential,
    choices,
    random,
  );
  const ballot = signBallot(params, unsigned, key, random);
  const secrets: BallotSecrets = {
    tracker: ballotTracker(ballot).hash,
    choices: choices.map((row) => [...row]),
    randomness,
  };
  return { ballot, secrets };
}

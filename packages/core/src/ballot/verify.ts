/**
 * Ballot verification (protocol §7.7): the server runs it before accepting a ballot and the record
 * verifier runs it on every ballot on the board. Input is untrusted JSON; the result is the decoded
 * ballot with its tracker, or the first failure as a stable code with the JSON path where it lies.
 * Never throws on untrusted input. Checking that the credential is listed, and the revote policy,
 * belong to the caller (server §9, verifier §11).
 */
import { type ElectionParams, electionFingerprint, electionFingerprintBytes } from '../election.js';
import { sumCiphertexts } from '../elgamal.js';
import { allowedSums } from '../manifest.js';
import { verifyDisjunctive } from '../proofs/disjunctive.js';
import { TAGS } from '../tags.js';
import { CHOICE_SET, choiceProofContext, overallProofContext } from './proof-context.js';
import { type Ballot, type BallotDecodeErrorCode, type BallotJson, decodeBallot } from './serialize.js';
import { ballotContentHash, verifyBallotSignature } from './sign.js';
import { ballotJsonTracker, type Tracker } from './tracker.js';

export type BallotErrorCode =
  | BallotDecodeErrorCode
  | 'BALLOT_WRONG_ELECTION'
  | 'BALLOT_BAD_SIGNATURE'
  | 'BALLOT_BAD_CHOICE_PROOF'
  | 'BALLOT_BAD_OVERALL_PROOF';

export type BallotVerifyResult =
  | { readonly ok: true; readonly tracker: Tracker; readonly ballot: Ballot }
  | { readonly ok: false; readonly code: BallotErrorCode; readonly path: string; readonly message: string };

const failure = (code: BallotErrorCode, path: string, message: string): BallotVerifyResult => ({
  ok: false,
  code,
  path,
  message,
});

/** Shape of the ballot against the manifest (protocol §7.7 step 3); returns the first mismatch. */
function shapeMismatch(params: ElectionParams, b: Ballot): BallotVerifyResult | undefined {
  const qs = params.manifest.questions;
  if (b.answers.length !== qs.length)
    return failure('BALLOT_MALFORMED', '$.answers', 'one answer per question expected');
  for (let i = 0; i < qs.length; i++) {
    const q = qs[i]!;
    const a = b.answers[i]!;
    const p = `$.answers[${i}]`;
    const n = q.answers.length;
    if (a.choices.length !== n) return failure('BALLOT_MALFORMED', `${p}.choices`, `${n} choices expected`);
    if (a.proofs.length !== n) return failure('BALLOT_MALFORMED', `${p}.proofs`, `${n} proofs expected`);
    for (let j = 0; j < n; j++) {
      if (a.proofs[j]!.length !== CHOICE_SET.length) {
        return failure('BALLOT_MALFORMED', `${p}.proofs[${j}]`, 'a choice proof has 2 branches');
      }
    }
    const branches = allowedSums(q).length;
    if (a.overall.length !== branches) {
      return failure('BALLOT_MALFORMED', `${p}.overall`, `the overall proof has ${branches} branches`);
    }
  }
  return undefined;
}

/** Verify an untrusted ballot for an election (protocol §7.7). */
export function verifyBallot(params: ElectionParams, json: unknown): BallotVerifyResult {
  const fingerprint = electionFingerprint(params);
  // Step 2 first: a ballot for another election is reported as such, whatever else is wrong with it.
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const o = json as { v?: unknown; election?: unknown };
    if (o.v === 1 && typeof o.election === 'string' && o.election !== fingerprint) {
      return failure('BALLOT_WRONG_ELECTION', '$.election', 'the ballot was made for another election');
    }
  }
  const decoded = decodeBallot(json);
  if (!decoded.ok) return decoded;
  const ballot = decoded.ballot;
  if (ballot.election !== fingerprint) {
    return failure('BALLOT_WRONG_ELECTION', '$.election', 'the ballot was made for another election');
  }
  const shape = shapeMismatch(params, ballot);
  if (shape) return shape;

  // decodeBallot accepted exactly the v1 shape with canonical encodings, so the input JSON is the
  // ballot's JSON form and its canonical text is the one the signature and tracker cover.
  const bj = json as BallotJson;
  const fp = electionFingerprintBytes(params);
  if (!verifyBallotSignature(fp, ballot, ballotContentHash(bj), ballot.signature)) {
    return failure('BALLOT_BAD_SIGNATURE', '$.signature', 'the credential signature does not verify');
  }
  const h = params.publicKey;
  const qs = params.manifest.questions;
  for (let i = 0; i < qs.length; i++) {
    const a = ballot.answers[i]!;
    for (let j = 0; j < a.choices.length; j++) {
      const ctx = choiceProofContext(fp, ballot.credential, i, j);
      if (!verifyDisjunctive(TAGS.choiceProof, ctx, h, a.choices[j]!, CHOICE_SET, a.proofs[j]!)) {
        return failure(
          'BALLOT_BAD_CHOICE_PROOF',
          `$.answers[${i}].proofs[${j}]`,
          'choice is not proven 0 or 1',
        );
      }
    }
    const total = sumCiphertexts(a.choices);
    const ctx = overallProofContext(fp, ballot.credential, i);
    if (!verifyDisjunctive(TAGS.overallProof, ctx, h, total, allowedSums(qs[i]!), a.overall)) {
      return failure(
        'BALLOT_BAD_OVERALL_PROOF',
        `$.answers[${i}].overall`,
        'the number of selections is not proven allowed',
      );
    }
  }
  return { ok: true, tracker: ballotJsonTracker(bj), ballot };
}

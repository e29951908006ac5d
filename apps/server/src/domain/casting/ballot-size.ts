/**
 * The largest a ballot of a given manifest can be (protocol §7.1), so the casting routes refuse an
 * oversized body before parsing it. Every element and scalar is 43 base64url characters, so the
 * canonical size is fixed by the shape: one ciphertext and one 2-branch proof per answer, |S_q|
 * overall branches per question. Clients may send insignificant whitespace; the limit allows it.
 */
import { allowedSums, MANIFEST_LIMITS, MAX_DISJUNCTIVE_SET, type Manifest } from '@electra/core';

const X = 'x'.repeat(43);
const proof = { c: X, z: X };

function canonicalBallotBytes(
  shape: readonly { answers: number; sums: number }[],
  electionChars: number,
): number {
  const ballot = {
    v: 1,
    election: 'x'.repeat(electionChars),
    credential: X,
    answers: shape.map((q) => ({
      choices: Array.from({ length: q.answers }, () => ({ alpha: X, beta: X })),
      proofs: Array.from({ length: q.answers }, () => [proof, proof]),
      overall: Array.from({ length: q.sums }, () => proof),
    })),
    signature: proof,
  };
  return Buffer.byteLength(JSON.stringify(ballot));
}

/** Whitespace allowance: 50% more than the canonical size, plus 4 KiB. */
const withSlack = (bytes: number): number => Math.ceil(bytes * 1.5) + 4096;

/** Maximum accepted body size of a ballot for this manifest. */
export function maxBallotBytes(manifest: Manifest): number {
  const shape = manifest.questions.map((q) => ({ answers: q.answers.length, sums: allowedSums(q).length }));
  return withSlack(canonicalBallotBytes(shape, 43));
}

/** The largest ballot any manifest allows (route-level limit before the election is known). */
export const MAX_ANY_BALLOT_BYTES = withSlack(
  canonicalBallotBytes(
    Array.from({ length: MANIFEST_LIMITS.questions }, () => ({
      answers: MANIFEST_LIMITS.answers,
      sums: MAX_DISJUNCTIVE_SET,
    })),
    43,
  ),
);

/** An audited ballot body: the ballot plus its opening (one 0/1 and one scalar per answer). */
export function maxAuditBytes(manifest: Manifest): number {
  const answers = manifest.questions.reduce((n, q) => n + q.answers.length, 0);
  return maxBallotBytes(manifest) + withSlack(answers * 48 + 200);
}

export const MAX_ANY_AUDIT_BYTES =
  MAX_ANY_BALLOT_BYTES + withSlack(MANIFEST_LIMITS.questions * MANIFEST_LIMITS.answers * 48 + 200);

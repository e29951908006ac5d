/**
 * Steps 11 and 12 of the record verification (protocol §11): each partial decryption against the
 * published encrypted tally and the ceremony's verification keys, then the published result
 * against the combination of the verified ones. Verifying a result needs no discrete log: m·G is
 * compared with the combined plaintext point.
 */
import { baseMul, type Point, Scalar } from '../group/group.js';
import { type EncryptedTally, flattenTally } from '../tally.js';
import { combinePartialDecryptions, type VerifiedPartial } from '../trustees/combine.js';
import { verifyPartialDecryption } from '../trustees/partial-decryption.js';
import type { FailureCode } from './codes.js';
import type { VerifiedSetup } from './setup-check.js';

export interface StepFailure {
  readonly code: FailureCode;
  readonly message: string;
}

const PARTIAL_CODES: Record<string, FailureCode> = {
  TRUSTEE_UNKNOWN: 'PARTIAL_DECRYPTION_UNKNOWN_TRUSTEE',
  DECRYPTION_PROOF_INVALID: 'PARTIAL_DECRYPTION_PROOF_INVALID',
  DUPLICATE_TRUSTEE: 'PARTIAL_DECRYPTION_DUPLICATE',
};

/** Step 11: one `partial-decryption` payload; `seen` holds the trustees already met (updated). */
export function checkPartialDecryption(
  setup: VerifiedSetup,
  tally: EncryptedTally,
  payload: unknown,
  seen: Set<number>,
): { readonly partial?: VerifiedPartial; readonly failure?: StepFailure } {
  const trustee = (payload as { trustee?: unknown } | null)?.trustee;
  if (typeof trustee === 'number') {
    if (seen.has(trustee)) {
      return {
        failure: {
          code: 'PARTIAL_DECRYPTION_DUPLICATE',
          message: `trustee ${trustee} already published a partial decryption`,
        },
      };
    }
    seen.add(trustee);
  }
  const r = verifyPartialDecryption(setup.fingerprintBytes, setup.key, flattenTally(tally), payload);
  if (r.ok) return { partial: { trustee: r.trustee, factors: r.factors } };
  const where = r.position === undefined ? '' : ` (ciphertext ${r.position})`;
  return {
    failure: {
      code: PARTIAL_CODES[r.code] ?? 'PARTIAL_DECRYPTION_MALFORMED',
      message: `${r.code}${where}: ${r.message}`,
    },
  };
}

function isCounts(counts: unknown, shape: readonly number[]): counts is number[][] {
  return (
    Array.isArray(counts) &&
    counts.length === shape.length &&
    counts.every(
      (row: unknown, i) =>
        Array.isArray(row) &&
        row.length === shape[i] &&
        row.every((n) => Number.isSafeInteger(n) && (n as number) >= 0),
    )
  );
}

/** Step 12: the `result` payload against the tally and the verified partial decryptions. */
export function checkResult(
  setup: VerifiedSetup,
  tally: EncryptedTally,
  partials: readonly VerifiedPartial[],
  payload: unknown,
): { readonly counts?: number[][]; readonly failures: readonly StepFailure[] } {
  const p = payload as { v?: unknown; counted?: unknown; counts?: unknown } | null;
  if (
    p === null ||
    typeof p !== 'object' ||
    Object.keys(p).sort().join(',') !== 'counted,counts,v' ||
    p.v !== 1 ||
    !Number.isSafeInteger(p.counted) ||
    !isCounts(p.counts, setup.shape)
  ) {
    return {
      failures: [
        { code: 'RESULT_MALFORMED', message: 'result: expected {v: 1, counted, counts[question][answer]}' },
      ],
    };
  }
  const counts = p.counts;
  const failures: StepFailure[] = [];
  if (p.counted !== tally.counted) {
    failures.push({
      code: 'RESULT_COUNTED_MISMATCH',
      message: 'result.counted differs from the encrypted tally',
    });
  }
  const combined = combinePartialDecryptions(setup.key.t, flattenTally(tally), partials);
  if (!combined.ok) {
    failures.push({ code: 'RESULT_QUORUM_MISSING', message: `${combined.code}: ${combined.message}` });
    return { counts, failures };
  }
  const points: readonly Point[] = combined.points;
  const wrong: string[] = [];
  let k = 0;
  counts.forEach((row, q) => {
    row.forEach((m, a) => {
      if (!baseMul(Scalar.of(m)).equals(points[k]!)) wrong.push(`question ${q} answer ${a}`);
      k++;
    });
  });
  if (wrong.length > 0) {
    failures.push({
      code: 'RESULT_MISMATCH',
      message: `not the decryption of the tally: ${wrong.join(', ')}`,
    });
  }
  return { counts, failures };
}

/**
 * Runs the independent verifier (protocol §11, the core's `verifyRecord`) on an election record
 * exactly as the server stores and serves it, with ballot proofs spread over worker threads
 * (verify/worker-pool-executor.ts). The tally is only declared final when this passes: the server
 * checks its own work with the same code every observer runs, over the same bytes they download.
 */
import {
  type BallotExecutorFactory,
  inlineBallotExecutor,
  type RecordChunk,
  type VerificationReport,
  verifyRecord,
} from '@electra/core';
import { workerPoolExecutor } from '../../verify/worker-pool-executor.js';
import type { TallyRepository, VerificationRow } from './tally.repository.js';
import type { TallyBoardPort } from './tally-ports.js';

export interface RecordVerifierOptions {
  /** Worker threads for ballot proofs; 0 verifies on the calling thread (tests, tiny elections). */
  readonly threads: number;
  /** Failures kept in the report (the rest are counted). Default 200. */
  readonly maxFailures?: number;
  readonly clock?: () => number;
}

export type RecordVerifier = (
  record: () => AsyncIterable<RecordChunk>,
  options: { readonly requireComplete: boolean },
) => Promise<VerificationReport>;

/** A verifier bound to an executor choice; rejects only when the verification itself cannot run. */
export function recordVerifier(options: RecordVerifierOptions): RecordVerifier {
  const executor: BallotExecutorFactory =
    options.threads > 0 ? workerPoolExecutor(options.threads) : inlineBallotExecutor;
  return (record, { requireComplete }) =>
    verifyRecord(record, {
      executor,
      requireComplete,
      maxFailures: options.maxFailures ?? 200,
      clock: options.clock,
    });
}

/** The parts of a report worth an audit entry or a log line (the full report goes to tally_verifications). */
export function reportDigest(report: VerificationReport): Record<string, unknown> {
  return {
    valid: report.valid,
    readable: report.readable,
    failedChecks: report.checks.filter((c) => c.status === 'failed').map((c) => c.code),
    failures: report.failures.slice(0, 20).map((f) => ({
      code: f.code,
      ...(f.height === undefined ? {} : { height: f.height }),
      message: f.message.slice(0, 300),
    })),
    failureCount: report.failures.length + report.summary.failuresOmitted,
  };
}

export interface StoredVerificationDeps {
  readonly board: Pick<TallyBoardPort, 'head' | 'record'>;
  readonly repository: Pick<TallyRepository, 'tally' | 'insertVerification'>;
  readonly verifier: RecordVerifier;
  readonly logger: { error(obj: object, msg: string): void };
}

/**
 * Verify the record of `electionId` as stored and keep the report in tally_verifications. A record
 * with a result must be complete (§11 step 5); before that, a running election's record is checked
 * as far as it goes. Rejects only when the verification cannot run (logged as an error).
 */
export async function verifyStoredRecord(
  deps: StoredVerificationDeps,
  electionId: string,
  verifiedBy: string,
): Promise<VerificationRow> {
  const tally = await deps.repository.tally(electionId);
  let report: VerificationReport;
  try {
    report = await deps.verifier(() => deps.board.record(electionId), {
      requireComplete: tally?.result != null,
    });
  } catch (e) {
    deps.logger.error({ electionId, err: e }, 'tally verification error: the verifier could not run');
    throw e;
  }
  // The head the verifier itself reached, not one read before it ran: an event appended meanwhile
  // (a partial decryption arriving) must not be recorded as verified.
  const head = report.summary.head ?? (await deps.board.head(electionId));
  return deps.repository.insertVerification({
    electionId,
    headHeight: head.height,
    headHash: head.hash,
    valid: report.valid,
    report,
    verifiedBy,
  });
}

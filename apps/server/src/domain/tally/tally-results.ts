/**
 * Results as people read them (issue 5): the decrypted counts of the board's `result` event presented
 * per question (election-results.ts), with the ballots counted, the election fingerprint, the result's
 * board height and the latest verifier verdict on the stored record (the head hash it pinned). One
 * reader for the results API, the exports (PDF/CSV/XLSX) and the result email.
 */
import type { VerifiedSetup } from '@electra/core';
import type { ElectionState } from '../elections/election-state.js';
import { presentResults, type QuestionResult } from './election-results.js';
import type { TallyServiceDeps } from './tally.service.js';

export interface ElectionResults {
  readonly electionId: string;
  readonly title: string;
  readonly state: ElectionState;
  /** Ballots counted (one per credential that voted, protocol §9.5). */
  readonly counted: number;
  readonly questions: readonly QuestionResult[];
  readonly fingerprint: string;
  /** Board height of the `result` event. */
  readonly resultHeight: number;
  readonly computedAt: Date;
  /** The latest verifier run on the stored record: its verdict and the head it pinned. */
  readonly verification: {
    readonly valid: boolean;
    readonly headHeight: number;
    readonly headHash: string;
    readonly verifiedAt: Date;
    readonly failures: number;
  } | null;
}

/**
 * The presented results of an election with a result on its board (null before): per question
 * counts, percentages, winners, ties and blanks, with the record head and the verifier's verdict.
 * No authorization here: routes check `canViewResults`; exports (elections) call it for staff.
 */
export async function readResults(
  deps: Pick<TallyServiceDeps, 'elections' | 'repository'>,
  setupOf: (electionId: string) => Promise<VerifiedSetup>,
  electionId: string,
): Promise<ElectionResults | null> {
  const [election, tally] = await Promise.all([
    deps.elections.getElection(electionId),
    deps.repository.tally(electionId),
  ]);
  if (!election || !tally?.result || tally.resultHeight === null) return null;
  const [setup, verification] = await Promise.all([
    setupOf(electionId),
    deps.repository.latestVerification(electionId),
  ]);
  return {
    electionId,
    title: election.title,
    state: election.state,
    counted: tally.result.counted,
    questions: presentResults(setup.params.manifest, tally.result.counted, tally.result.counts),
    fingerprint: setup.fingerprint,
    resultHeight: tally.resultHeight,
    computedAt: tally.resultAt!,
    verification: verification && {
      valid: verification.valid,
      headHeight: verification.headHeight,
      headHash: verification.headHash,
      verifiedAt: verification.verifiedAt,
      failures: verification.report.failures.length + verification.report.summary.failuresOmitted,
    },
  };
}

/**
 * The ballot executor of a verification that only re-sums ballots (core-internal, never exported):
 * cast ballots are decoded, their election and shape checked and their ciphertexts summed exactly as
 * `runBallotBatch` sums them, but signatures, proofs and audited openings are NOT checked. The
 * trustee's tally check (tally-check.ts) uses it only for a board whose ballots the same caller
 * verified in full in an earlier check, pinned by the hash of its end-ballots event.
 */
import { type BallotJson, decodeBallot } from '../ballot/serialize.js';
import { ballotCiphertextsHash, ballotJsonTracker } from '../ballot/tracker.js';
import { electionFingerprint } from '../election.js';
import { encryptedTallyPayload, TallyAccumulator } from '../tally.js';
import {
  type BallotBatchResult,
  type BallotTask,
  type BallotTaskResult,
  prepareBallotContext,
} from './ballot-task.js';
import type { BallotExecutorFactory } from './executor.js';

function trackerOf(payload: unknown): string | undefined {
  try {
    return ballotJsonTracker(payload as BallotJson).hash;
  } catch {
    return undefined;
  }
}

function sumTask(fingerprint: string, task: BallotTask, acc: TallyAccumulator): BallotTaskResult {
  const cast = task.kind === 'ballot';
  const json = cast ? task.payload : (task.payload as { ballot?: unknown } | null)?.ballot;
  const d = decodeBallot(json);
  const base = { height: task.height, kind: task.kind, tracker: trackerOf(json) };
  if (!d.ok) return { ...base, ok: false, summed: false, code: d.code, message: `${d.path}: ${d.message}` };
  const ciphertexts = d.ballot.answers.map((a) => a.choices);
  // As in runBallotBatch: a ballot of another election or of the wrong shape is never summed.
  if (d.ballot.election !== fingerprint || !acc.fits(ciphertexts)) {
    const wrong = d.ballot.election !== fingerprint;
    return {
      ...base,
      ok: false,
      summed: false,
      code: wrong ? 'BALLOT_WRONG_ELECTION' : 'BALLOT_MALFORMED',
      message: wrong ? 'the ballot was made for another election' : 'the ballot does not fit the manifest',
    };
  }
  if (cast) acc.add(ciphertexts);
  return { ...base, ok: true, summed: cast, ciphertexts: ballotCiphertextsHash(d.ballot) };
}

/** Sums batches on the calling thread; no proof is checked (see the module comment). */
export const sumOnlyBallotExecutor: BallotExecutorFactory = async (context) => {
  const prepared = prepareBallotContext(context);
  const fingerprint = electionFingerprint(prepared.params);
  return {
    parallelism: 1,
    async verifyBatch(tasks): Promise<BallotBatchResult> {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      const acc = new TallyAccumulator(prepared.shape);
      const results = tasks.map((t) => sumTask(fingerprint, t, acc));
      return { results, sum: encryptedTallyPayload(acc.result()) };
    },
    async close() {},
  };
};

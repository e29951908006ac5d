/**
 * The per-ballot work of the record verifier (protocol §11 steps 7–8), as a pure function of plain
 * JSON in and plain JSON out, so it runs unchanged in the main thread, in Node worker threads and in
 * browser Web Workers. A batch result also carries the homomorphic sum of the batch's ballots, so
 * the expensive point arithmetic of the tally happens where the proofs are checked, in parallel.
 */
import { verifyOpenedBallot } from '../ballot/challenge.js';
import { type Ballot, type BallotJson, decodeBallot } from '../ballot/serialize.js';
import { ballotCiphertextsHash, ballotJsonTracker } from '../ballot/tracker.js';
import { verifyBallot } from '../ballot/verify.js';
import type { JsonValue } from '../codec/canonical-json.js';
import { type ElectionParams, type ElectionParamsJson, parseElectionParams } from '../election.js';
import { type EncryptedTallyPayload, encryptedTallyPayload, TallyAccumulator } from '../tally.js';

/** What every ballot check needs to know about the election: the §5.3 parameters. */
export interface BallotTaskContext {
  readonly election: ElectionParamsJson;
}

export interface BallotTask {
  readonly height: number;
  readonly kind: 'ballot' | 'audited-ballot';
  readonly payload: JsonValue;
}

export interface BallotTaskResult {
  readonly height: number;
  readonly kind: 'ballot' | 'audited-ballot';
  readonly ok: boolean;
  /** The ballots API failure code (protocol §7.6–7.7) when !ok. */
  readonly code?: string;
  readonly message?: string;
  /** Full tracker hash, whenever the payload could be hashed. */
  readonly tracker?: string;
  /** ballotCiphertextsHash (§7.6) when the ballot decoded: what "same ballot" compares. */
  readonly ciphertexts?: string;
  /** True when this cast ballot's ciphertexts are included in the batch sum. */
  readonly summed: boolean;
}

export interface BallotBatchResult {
  readonly results: readonly BallotTaskResult[];
  /** Sum of the summed cast ballots of the batch, as an encrypted-tally payload. */
  readonly sum: EncryptedTallyPayload;
}

/** A context decoded once per thread. */
export interface PreparedBallotContext {
  readonly params: ElectionParams;
  readonly shape: readonly number[];
}

export function prepareBallotContext(context: BallotTaskContext): PreparedBallotContext {
  const parsed = parseElectionParams(context.election);
  if (!parsed.ok) throw new TypeError(`prepareBallotContext: ${parsed.code} at ${parsed.path}`);
  return { params: parsed.params, shape: parsed.params.manifest.questions.map((q) => q.answers.length) };
}

function trackerOf(payload: unknown): string | undefined {
  try {
    return ballotJsonTracker(payload as BallotJson).hash;
  } catch {
    return undefined;
  }
}

/** Codes of verifyBallot after which the ballot did decode with the manifest's shape. */
const DECODED_FAILURES = new Set([
  'BALLOT_BAD_SIGNATURE',
  'BALLOT_BAD_CHOICE_PROOF',
  'BALLOT_BAD_OVERALL_PROOF',
]);

function checkCast(ctx: PreparedBallotContext, task: BallotTask, acc: TallyAccumulator): BallotTaskResult {
  const r = verifyBallot(ctx.params, task.payload);
  let ballot: Ballot | undefined;
  if (r.ok) ballot = r.ballot;
  else if (DECODED_FAILURES.has(r.code)) {
    const d = decodeBallot(task.payload);
    if (d.ok) ballot = d.ballot;
  }
  const ciphertexts = ballot?.answers.map((a) => a.choices);
  const summed = ciphertexts !== undefined && acc.fits(ciphertexts);
  if (summed) acc.add(ciphertexts);
  const base = {
    height: task.height,
    kind: task.kind,
    summed,
    tracker: r.ok ? r.tracker.hash : trackerOf(task.payload),
    ciphertexts: ballot ? ballotCiphertextsHash(ballot) : undefined,
  };
  return r.ok
    ? { ...base, ok: true }
    : { ...base, ok: false, code: r.code, message: `${r.path}: ${r.message}` };
}

function checkAudited(ctx: PreparedBallotContext, task: BallotTask): BallotTaskResult {
  const p = task.payload;
  if (
    p === null ||
    typeof p !== 'object' ||
    Array.isArray(p) ||
    Object.keys(p).sort().join(',') !== 'ballot,opening'
  ) {
    return {
      height: task.height,
      kind: task.kind,
      ok: false,
      summed: false,
      code: 'OPENING_MALFORMED',
      message: 'expected {ballot, opening}',
    };
  }
  const { ballot, opening } = p as { ballot: JsonValue; opening: JsonValue };
  const r = verifyOpenedBallot(ctx.params, ballot, opening);
  if (!r.ok) {
    return {
      height: task.height,
      kind: task.kind,
      ok: false,
      summed: false,
      code: r.code,
      message: `${r.path}: ${r.message}`,
      tracker: trackerOf(ballot),
    };
  }
  return {
    height: task.height,
    kind: task.kind,
    ok: true,
    summed: false,
    tracker: r.tracker.hash,
    ciphertexts: ballotCiphertextsHash(r.ballot),
  };
}

/** Verify a batch of ballot and audited-ballot events (protocol §11 steps 7–8). Never throws on bad input. */
export function runBallotBatch(ctx: PreparedBallotContext, tasks: readonly BallotTask[]): BallotBatchResult {
  const acc = new TallyAccumulator(ctx.shape);
  const results = tasks.map((t) => (t.kind === 'ballot' ? checkCast(ctx, t, acc) : checkAudited(ctx, t)));
  return { results, sum: encryptedTallyPayload(acc.result()) };
}

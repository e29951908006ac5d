/**
 * `verifyRecord` (protocol §11): every check of an election record, streaming. One pass reads the
 * record line by line; ballot checks go to an injected executor in batches (worker threads in Node,
 * Web Workers in browsers) while the main loop keeps only O(questions × answers + credentials) of
 * state. When some ballots must come back out of the recomputed tally (superseded by a revote,
 * unlisted credential, forbidden revote), a second, cheap pass re-reads just those lines.
 */
import type { BallotJson } from '../ballot/serialize.js';
import { ballotCiphertextsHash, ballotJsonTracker } from '../ballot/tracker.js';
import { ChainChecker } from '../board/chain.js';
import { type BoardEvent, eventHash, parseEvent } from '../board/event.js';
import { RecordFormatError, type RecordHeader } from '../record/record-format.js';
import { type RecordChunk, readRecord } from '../record/record-reader.js';
import { type EncryptedTally, parseEncryptedTallyPayload, TallyAccumulator } from '../tally.js';
import type { VerifiedPartial } from '../trustees/combine.js';
import { BallotLedger } from './ballot-ledger.js';
import type { BallotBatchResult, BallotTask, BallotTaskResult } from './ballot-task.js';
import type { FailureCode } from './codes.js';
import { checkPartialDecryption, checkResult } from './decryption-check.js';
import { type BallotExecutor, type BallotExecutorFactory, inlineBallotExecutor } from './executor.js';
import { compareTallies, endBallotsCount, subtractExcluded } from './recount.js';
import { ReportBuilder, type VerificationReport } from './report.js';
import { checkSetup, type VerifiedSetup } from './setup-check.js';
import { sumOnlyBallotExecutor } from './sum-only.js';

/** A record that can be read more than once (a file path re-opened, a string, a URL re-fetched). */
export type RecordSource = () => AsyncIterable<RecordChunk> | Iterable<RecordChunk>;

export interface VerifyProgress {
  readonly phase: 'events' | 'revotes';
  readonly events: number;
  /** From the record header (untrusted, only for display). */
  readonly totalEvents: number | undefined;
  readonly ballotsRead: number;
  readonly ballotsVerified: number;
}

export interface VerifyOptions {
  /** Where ballot checks run; default: on the calling thread. */
  readonly executor?: BallotExecutorFactory;
  /** Ballots per executor batch (default 32). */
  readonly batchSize?: number;
  /** Failures listed in the report (default 1000); further ones are only counted. */
  readonly maxFailures?: number;
  /** When false, a record that stops before the result (a running election) is not a failure. */
  readonly requireComplete?: boolean;
  readonly onProgress?: (progress: VerifyProgress) => void;
  /** Milliseconds clock for `summary.seconds` (the core reads no clock of its own). */
  readonly clock?: () => number;
}

type Phase = 'start' | 'voting' | 'closed' | 'tallied' | 'done';

const ALLOWED: Record<Phase, readonly string[]> = {
  start: ['setup'],
  voting: ['ballot', 'audited-ballot', 'end-ballots'],
  closed: ['encrypted-tally'],
  tallied: ['partial-decryption', 'result'],
  done: [],
};

const BALLOT_CODES: Record<string, FailureCode> = {
  BALLOT_MALFORMED: 'BALLOT_MALFORMED',
  BALLOT_UNSUPPORTED_VERSION: 'BALLOT_MALFORMED',
  POINT_INVALID: 'BALLOT_MALFORMED',
  SCALAR_INVALID: 'BALLOT_MALFORMED',
  BALLOT_WRONG_ELECTION: 'BALLOT_WRONG_ELECTION',
  BALLOT_BAD_SIGNATURE: 'BALLOT_SIGNATURE_INVALID',
  BALLOT_BAD_CHOICE_PROOF: 'BALLOT_CHOICE_PROOF_INVALID',
  BALLOT_BAD_OVERALL_PROOF: 'BALLOT_OVERALL_PROOF_INVALID',
};

function trackerOf(payload: unknown): string | undefined {
  try {
    return ballotJsonTracker(payload as BallotJson).hash;
  } catch {
    return undefined;
  }
}

/** Verify a whole election record (protocol §11). Rejects only on infrastructure errors (executor crash). */
export async function verifyRecord(
  source: RecordSource,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  return (await new RecordVerification(source, options, {}).run()).report;
}

/**
 * What callers inside the core (the trustee's tally check, tally-check.ts) may ask of a verification
 * beyond `VerifyOptions`. Not exported by the package: `sum-only` must never yield a public verdict.
 */
export interface VerificationHooks {
  /** Called once the setup event checked out; a throw stops the verification and propagates. */
  readonly onSetup?: (setup: VerifiedSetup) => void;
  /** Recompute the §9.5 tally once the board is closed, even when the record has no encrypted tally. */
  readonly recount?: boolean;
  /**
   * `sum-only`: cast and audited ballots are decoded and summed, their signatures, proofs and
   * openings NOT checked. Only for a board whose ballots the caller verified in an earlier run.
   */
  readonly ballots?: 'verify' | 'sum-only';
}

export interface VerificationOutcome {
  readonly report: VerificationReport;
  /** The setup, when it was usable. */
  readonly setup: VerifiedSetup | undefined;
  /** Height and hash of the end-ballots event (the board is closed), when the record has one. */
  readonly closedAt: { readonly height: number; readonly hash: string } | undefined;
  /** The §9.5 tally recomputed from the record's ballots (closed board, intact chain, usable setup). */
  readonly recomputed: EncryptedTally | undefined;
}

/** `verifyRecord` with what the run learned besides the report (core-internal, see VerificationHooks). */
export async function verifyRecordOutcome(
  source: RecordSource,
  options: VerifyOptions,
  hooks: VerificationHooks,
): Promise<VerificationOutcome> {
  return new RecordVerification(source, options, hooks).run();
}

class RecordVerification {
  private readonly report: ReportBuilder;
  private readonly chain = new ChainChecker();
  private readonly started: number | undefined;
  private header: RecordHeader | undefined;
  private phase: Phase = 'start';
  private setup: VerifiedSetup | undefined;
  private executor: BallotExecutor | undefined;
  private acc: TallyAccumulator | undefined;
  private ledger: BallotLedger | undefined;
  private batch: BallotTask[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private events = 0;
  private ballots = 0;
  private auditedCount = 0;
  private ballotsVerified = 0;
  private chainBroken = false;
  private endBallots: { height: number; ballots: number } | undefined;
  private published: { height: number; tally: EncryptedTally } | undefined;
  private readonly partials: VerifiedPartial[] = [];
  private readonly partialTrustees = new Set<number>();
  private partialCount = 0;
  private result: (readonly number[])[] | undefined;
  private closedAt: { height: number; hash: string } | undefined;
  private recomputed: EncryptedTally | undefined;

  constructor(
    private readonly source: RecordSource,
    private readonly options: VerifyOptions,
    private readonly hooks: VerificationHooks,
  ) {
    this.report = new ReportBuilder(options.maxFailures ?? 1000);
    this.started = options.clock?.();
  }

  async run(): Promise<VerificationOutcome> {
    try {
      for await (const item of readRecord(this.source())) {
        if (item.kind === 'header') {
          this.header = item.header;
          this.report.count('RECORD');
        } else await this.onEvent(item.line, item.value);
      }
      await this.drain();
      await this.finish();
    } catch (e) {
      if (!(e instanceof RecordFormatError)) {
        await this.executor?.close();
        throw e;
      }
      this.report.fail(e.code, e.message, e.line === undefined ? {} : { line: e.line });
      await this.drain().catch(() => undefined);
    } finally {
      await this.executor?.close();
      this.executor = undefined;
    }
    return {
      report: this.build(),
      setup: this.setup,
      closedAt: this.closedAt,
      recomputed: this.recomputed,
    };
  }

  private progress(phase: VerifyProgress['phase']): void {
    this.options.onProgress?.({
      phase,
      events: this.events,
      totalEvents: this.header?.events,
      ballotsRead: this.ballots,
      ballotsVerified: this.ballotsVerified,
    });
  }

  private async onEvent(line: number, value: unknown): Promise<void> {
    this.events++;
    if (this.events % 256 === 0) this.progress('events');
    const parsed = parseEvent(value);
    if (!parsed.ok) {
      this.chainBroken = true;
      // Line L of an intact record holds height L − 2: the best place to name for a broken line.
      this.report.fail('EVENT_MALFORMED', `line ${line}: ${parsed.message}`, { line, height: line - 2 });
      return;
    }
    this.report.count('EVENTS');
    const event = parsed.event;
    const hash = eventHash(event);
    const chainFailures = this.chain.push(event, hash);
    this.report.count('CHAIN');
    for (const f of chainFailures) {
      this.chainBroken = true;
      this.report.fail(f.code, f.message, { height: f.height });
    }
    // An event that repeats a height is not processed a second time.
    if (chainFailures.some((f) => f.code === 'CHAIN_EVENT_DUPLICATE')) return;
    await this.onTypedEvent(event, hash);
  }

  private async onTypedEvent(event: BoardEvent, hash: string): Promise<void> {
    const { height, type } = event;
    this.report.count('ORDER');
    if (!ALLOWED[this.phase].includes(type)) {
      this.report.fail('EVENT_ORDER_INVALID', `a ${type} event cannot follow the ${this.phase} phase`, {
        height,
      });
      return;
    }
    switch (type) {
      case 'setup':
        this.phase = 'voting';
        return this.onSetup(event);
      case 'ballot':
        return this.onBallot(event, hash);
      case 'audited-ballot':
        this.auditedCount++;
        return this.enqueue({ height, kind: 'audited-ballot', payload: event.payload });
      case 'end-ballots':
        this.phase = 'closed';
        this.closedAt = { height, hash };
        return this.onEndBallots(event);
      case 'encrypted-tally':
        this.phase = 'tallied';
        return this.onEncryptedTally(event);
      case 'partial-decryption':
        return this.onPartialDecryption(event);
      case 'result':
        this.phase = 'done';
        return this.onResult(event);
    }
  }

  private async onSetup(event: BoardEvent): Promise<void> {
    const r = checkSetup(event.payload);
    this.report.count('SETUP');
    for (const f of r.failures) this.report.fail(f.code, f.message, { height: event.height });
    if (!r.ok) return;
    this.setup = r.setup;
    this.hooks.onSetup?.(r.setup);
    this.report.count('CREDENTIALS', r.setup.credentials.size);
    this.acc = new TallyAccumulator(r.setup.shape);
    this.ledger = new BallotLedger(r.setup.credentials, r.setup.revotePolicy);
    const factory =
      this.hooks.ballots === 'sum-only'
        ? sumOnlyBallotExecutor
        : (this.options.executor ?? inlineBallotExecutor);
    this.executor = await factory({ election: r.setup.electionJson });
  }

  private async onBallot(event: BoardEvent, hash: string): Promise<void> {
    this.ballots++;
    if (!this.ledger) return;
    const { height, payload } = event;
    const credential = (payload as { credential?: unknown } | null)?.credential;
    if (typeof credential === 'string') {
      this.report.count('REVOTE_POLICY');
      const failure = this.ledger.cast(height, hash, credential);
      if (failure) this.report.fail(failure.code, failure.message, { height, tracker: trackerOf(payload) });
    }
    await this.enqueue({ height, kind: 'ballot', payload });
  }

  private async enqueue(task: BallotTask): Promise<void> {
    if (!this.executor) return;
    this.batch.push(task);
    if (this.batch.length >= (this.options.batchSize ?? 32)) await this.flush();
  }

  private async flush(): Promise<void> {
    const executor = this.executor;
    if (!executor || this.batch.length === 0) return;
    const tasks = this.batch;
    this.batch = [];
    const done = executor.verifyBatch(tasks).then((r) => this.onBatch(r));
    // Awaited later (in order); until then a failure must not count as an unhandled rejection.
    done.catch(() => undefined);
    this.inFlight.push(done);
    while (this.inFlight.length >= executor.parallelism * 2) await this.inFlight.shift();
  }

  private async drain(): Promise<void> {
    await this.flush();
    while (this.inFlight.length > 0) await this.inFlight.shift();
  }

  private onBatch(batch: BallotBatchResult): void {
    for (const r of batch.results) this.onBallotResult(r);
    const parsed = parseEncryptedTallyPayload(batch.sum, this.setup!.shape);
    if (!parsed.ok) throw new Error(`executor returned a malformed sum: ${parsed.message}`);
    this.acc!.merge(parsed.tally);
    this.progress('events');
  }

  private onBallotResult(r: BallotTaskResult): void {
    const place = { height: r.height, tracker: r.tracker };
    if (r.kind === 'audited-ballot') {
      this.report.count('AUDITED_BALLOTS');
      if (!r.ok) this.report.fail('AUDITED_BALLOT_INVALID', `${r.code}: ${r.message}`, place);
      else if (r.ciphertexts) this.ledger!.audit(r.ciphertexts);
      return;
    }
    this.ballotsVerified++;
    this.report.count('BALLOTS');
    if (!r.ok) {
      this.report.fail(BALLOT_CODES[r.code ?? ''] ?? 'BALLOT_INVALID', `${r.code}: ${r.message}`, place);
    }
    if (this.ledger!.checked(r)) this.challengedCast(r.height, r.tracker);
  }

  private challengedCast(height: number, tracker: string | undefined): void {
    this.report.fail('BALLOT_CHALLENGED_CAST', 'this encrypted vote was opened by a Benaloh challenge', {
      height,
      tracker,
    });
  }

  private onEndBallots(event: BoardEvent): void {
    const ballots = endBallotsCount(event.payload);
    if (ballots === undefined) {
      this.report.fail('END_BALLOTS_MALFORMED', 'end-ballots: expected {v: 1, ballots}', {
        height: event.height,
      });
    } else this.endBallots = { height: event.height, ballots };
  }

  private onEncryptedTally(event: BoardEvent): void {
    if (!this.setup) return;
    const parsed = parseEncryptedTallyPayload(event.payload, this.setup.shape);
    if (!parsed.ok) {
      this.report.fail('ENCRYPTED_TALLY_MALFORMED', parsed.message, { height: event.height });
      return;
    }
    this.published = { height: event.height, tally: parsed.tally };
  }

  private onPartialDecryption(event: BoardEvent): void {
    this.partialCount++;
    if (!this.setup || !this.published) return;
    this.report.count('PARTIAL_DECRYPTIONS');
    const r = checkPartialDecryption(this.setup, this.published.tally, event.payload, this.partialTrustees);
    if (r.partial) this.partials.push(r.partial);
    if (r.failure) this.report.fail(r.failure.code, r.failure.message, { height: event.height });
  }

  private onResult(event: BoardEvent): void {
    if (!this.setup || !this.published) return;
    this.report.count('RESULT');
    const r = checkResult(this.setup, this.published.tally, this.partials, event.payload);
    this.result = r.counts;
    for (const f of r.failures) this.report.fail(f.code, f.message, { height: event.height });
  }

  private async finish(): Promise<void> {
    const header = this.header;
    if (header) {
      if (header.events !== this.events) {
        this.report.fail(
          'RECORD_EVENT_COUNT_MISMATCH',
          `the header announces ${header.events} events, the record holds ${this.events}`,
        );
      }
      if (header.head !== this.chain.lastHead.hash) {
        this.report.fail('RECORD_HEAD_MISMATCH', 'the header head is not the hash of the last event');
      }
    }
    for (const f of this.chain.finish()) {
      this.chainBroken = true;
      this.report.fail(f.code, f.message, { height: f.height });
    }
    const complete = this.options.requireComplete ?? true;
    const missing: [Phase, FailureCode, string][] = [
      ['start', 'SETUP_MISSING', 'setup'],
      ['voting', 'END_BALLOTS_MISSING', 'end-ballots'],
      ['closed', 'ENCRYPTED_TALLY_MISSING', 'encrypted-tally'],
      ['tallied', 'RESULT_MISSING', 'result'],
    ];
    const stop = missing.find(([p]) => p === this.phase);
    if (stop && (complete || stop[0] === 'start')) {
      this.report.fail(stop[1], `the record ends before its ${stop[2]} event`);
    }
    for (const height of this.ledger?.challengedCounted() ?? []) this.challengedCast(height, undefined);
    // Counts and sums are only meaningful over an intact chain: a broken one is already a failure.
    if (this.chainBroken || !this.setup) return;
    if (this.endBallots) {
      this.report.count('END_BALLOTS');
      if (this.endBallots.ballots !== this.ballots) {
        this.report.fail(
          'END_BALLOTS_COUNT_MISMATCH',
          `end-ballots announces ${this.endBallots.ballots} ballots, the board holds ${this.ballots}`,
          { height: this.endBallots.height },
        );
      }
    }
    if (this.published || (this.hooks.recount && this.closedAt)) {
      this.recomputed = await this.recount();
      if (this.published) this.compareTally(this.published, this.recomputed);
    }
  }

  /** Step 10's recomputation: every summed ballot, minus those that must not count (second pass). */
  private async recount(): Promise<EncryptedTally> {
    const acc = this.acc!;
    const excluded = this.ledger!.toSubtract();
    if (excluded.size > 0) {
      const ledger = this.ledger!;
      const changed = await subtractExcluded(
        this.source(),
        excluded,
        acc,
        () => this.progress('revotes'),
        (height, ballot, payload) => {
          if (ledger.reusesAudited(height, ballotCiphertextsHash(ballot)))
            this.challengedCast(height, trackerOf(payload));
        },
      );
      for (const f of changed) this.report.fail(f.code, f.message, { height: f.height });
    }
    return acc.result();
  }

  private compareTally(published: { height: number; tally: EncryptedTally }, mine: EncryptedTally): void {
    this.report.count('ENCRYPTED_TALLY');
    for (const f of compareTallies(mine, published.tally)) {
      this.report.fail(f.code, f.message, { height: published.height });
    }
  }

  private build(): VerificationReport {
    const setup = this.setup;
    return this.report.build({
      events: this.events,
      ballots: this.ballots,
      counted: this.published?.tally.counted ?? 0,
      audited: this.auditedCount,
      credentials: setup?.credentials.size ?? 0,
      partialDecryptions: this.partialCount,
      fingerprint: setup?.fingerprint,
      electionId: setup?.params.manifest.id,
      result: this.result,
      head: { height: this.chain.lastHead.height, hash: this.chain.lastHead.hash },
      seconds: this.started === undefined ? undefined : (this.options.clock!() - this.started) / 1000,
    });
  }
}

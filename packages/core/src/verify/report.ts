/**
 * The verification report (protocol §11): per check, how many items were examined and whether any
 * failed; each failure with its stable code and exact place (board height, ballot tracker). Kept
 * bounded: past `maxFailures` only counts grow, so a record full of bad ballots cannot exhaust memory.
 */
import { CHECKS, type CheckId, FAILURES, type FailureCode, UNREADABLE_CODES } from './codes.js';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckReport {
  readonly code: CheckId;
  readonly status: CheckStatus;
  /** Items examined (events, ballots, credentials, partial decryptions…). */
  readonly count: number;
  /** Failures found by this check (including those not listed in `failures`). */
  readonly failures: number;
}

export interface Failure {
  readonly code: FailureCode;
  /** Board height of the event at fault, when there is one. */
  readonly height?: number;
  /** Full tracker hash of the ballot at fault, when there is one. */
  readonly tracker?: string;
  /** Line of the record file, for failures found before an event could be read. */
  readonly line?: number;
  readonly message: string;
}

export interface VerificationSummary {
  readonly events: number;
  readonly ballots: number;
  readonly counted: number;
  readonly audited: number;
  readonly credentials: number;
  readonly partialDecryptions: number;
  readonly fingerprint?: string;
  readonly electionId?: string;
  readonly result?: readonly (readonly number[])[];
  /** The board head after the last event read (height = events in order, hash of the last one). */
  readonly head?: { readonly height: number; readonly hash: string };
  readonly failuresOmitted: number;
  /** Wall time, when the caller injected a clock. */
  readonly seconds?: number;
}

export interface VerificationReport {
  /** True iff every check passed. */
  readonly valid: boolean;
  /** False when the input is not an electra-record v1 at all (CLI exit code 2). */
  readonly readable: boolean;
  readonly checks: readonly CheckReport[];
  /** Sorted by height (record-wide failures last); at most `maxFailures` entries. */
  readonly failures: readonly Failure[];
  readonly summary: VerificationSummary;
}

export class ReportBuilder {
  private readonly counts = new Map<CheckId, number>();
  private readonly failed = new Map<CheckId, number>();
  private readonly list: Failure[] = [];
  private omitted = 0;
  unreadable = false;

  constructor(private readonly maxFailures: number) {}

  count(check: CheckId, n = 1): void {
    this.counts.set(check, (this.counts.get(check) ?? 0) + n);
  }

  fail(
    code: FailureCode,
    message: string,
    place: { height?: number; tracker?: string | undefined; line?: number } = {},
  ): void {
    const check = FAILURES[code][0];
    this.failed.set(check, (this.failed.get(check) ?? 0) + 1);
    if (UNREADABLE_CODES.has(code)) this.unreadable = true;
    if (this.list.length >= this.maxFailures) {
      this.omitted++;
      return;
    }
    const failure: Failure = { code, message };
    if (place.height !== undefined) Object.assign(failure, { height: place.height });
    if (place.tracker !== undefined) Object.assign(failure, { tracker: place.tracker });
    if (place.line !== undefined) Object.assign(failure, { line: place.line });
    this.list.push(failure);
  }

  get failureCount(): number {
    return this.list.length + this.omitted;
  }

  build(summary: Omit<VerificationSummary, 'failuresOmitted'>): VerificationReport {
    const checks = CHECKS.map((code): CheckReport => {
      const failures = this.failed.get(code) ?? 0;
      const count = this.counts.get(code) ?? 0;
      const status: CheckStatus = failures > 0 ? 'failed' : count > 0 ? 'passed' : 'skipped';
      return { code, status, count, failures };
    });
    // Located failures in board order; record-wide ones (no height) after them.
    const failures = [...this.list].sort(
      (a, b) => (a.height ?? Number.POSITIVE_INFINITY) - (b.height ?? Number.POSITIVE_INFINITY),
    );
    return {
      valid: this.failureCount === 0 && !this.unreadable,
      readable: !this.unreadable,
      checks,
      failures,
      summary: { ...summary, failuresOmitted: this.omitted },
    };
  }
}

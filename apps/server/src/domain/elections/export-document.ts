/**
 * One format-neutral document per export (turnout, results), rendered as CSV, XLSX or PDF by the
 * export-*.ts writers, so the three formats always carry the same numbers. Results come from the tally
 * (read through a narrow port: counts, winners, ties, blanks, the record head and the verifier's
 * verdict); turnout from turnout.ts. Neither contains anything about an individual voter.
 */
import type { Turnout } from './turnout.js';

export type Cell = string | number | null;

export interface ExportSection {
  name: string;
  columns: string[];
  rows: Cell[][];
}

export interface ExportDocument {
  title: string;
  /** label/value lines shown above the tables (election, state, record hash, verdict…) */
  meta: [string, string][];
  sections: ExportSection[];
}

/** What the results exports need from the tally (tally.service's ElectionResults satisfies it). */
export interface ExportableResults {
  readonly title: string;
  readonly counted: number;
  readonly fingerprint: string;
  readonly resultHeight: number;
  readonly computedAt: Date;
  readonly questions: readonly {
    readonly id: string;
    readonly title: string;
    readonly min: number;
    readonly max: number;
    readonly answers: readonly {
      readonly id: string;
      readonly label: string;
      readonly count: number;
      readonly percentOfBallots: number;
      readonly elected: boolean;
    }[];
    readonly tie: {
      readonly count: number;
      readonly seats: number;
      readonly answers: readonly string[];
    } | null;
    readonly blank: { readonly countable: boolean; readonly count: number | null };
  }[];
  readonly verification: {
    readonly valid: boolean;
    readonly headHeight: number;
    readonly headHash: string;
    readonly verifiedAt: Date;
    readonly failures: number;
  } | null;
}

export interface ResultsSource {
  resultsFor(electionId: string): Promise<ExportableResults | null>;
}

export function turnoutDocument(t: Turnout): ExportDocument {
  const overall: ExportSection = {
    name: 'Overall',
    columns: ['eligible', 'voted', 'percentage'],
    rows: [[t.eligible, t.voted, t.percentage]],
  };
  const groups: ExportSection = {
    name: 'By group',
    columns: ['attribute', 'value', 'eligible', 'voted', 'percentage'],
    rows: t.byGroup.flatMap((g) => g.values.map((v) => [g.key, v.value, v.eligible, v.voted, v.percentage])),
  };
  const series: ExportSection = {
    name: `Ballots per ${t.interval}`,
    columns: ['interval start', 'ballots', 'cumulative'],
    rows: t.series.map((p) => [p.start.toISOString(), p.ballots, p.cumulative]),
  };
  return {
    title: `Turnout — ${t.title}`,
    meta: [
      ['Election', t.electionId],
      ['State', t.state],
      ['Computed at', t.computedAt.toISOString()],
      ...(t.voted === null
        ? [['Note', 'participation is not recorded on this server'] as [string, string]]
        : []),
    ],
    sections: [overall, groups, series],
  };
}

export function resultsDocument(electionId: string, r: ExportableResults): ExportDocument {
  const v = r.verification;
  const verdict = v
    ? `${v.valid ? 'VALID' : 'INVALID'} (verifier run ${v.verifiedAt.toISOString()}, ${v.failures} failure(s), record height ${v.headHeight})`
    : 'not verified yet';
  const sections: ExportSection[] = r.questions.map((q) => ({
    name: q.title,
    columns: ['answer', 'votes', 'percent of ballots', 'elected'],
    rows: [
      ...q.answers.map((a): Cell[] => [a.label, a.count, a.percentOfBallots, a.elected ? 'yes' : '']),
      ...(q.blank.countable && q.blank.count !== null
        ? [['(blank ballots)', q.blank.count, null, ''] as Cell[]]
        : []),
      ...(q.tie
        ? [[`TIE for ${q.tie.seats} seat(s) at ${q.tie.count} votes`, null, null, ''] as Cell[]]
        : []),
    ],
  }));
  return {
    title: `Results — ${r.title}`,
    meta: [
      ['Election', electionId],
      ['Ballots counted', String(r.counted)],
      ['Election fingerprint', r.fingerprint],
      ['Record hash (board head)', v?.headHash ?? 'unknown'],
      ['Verifier verdict', verdict],
      ['Result computed at', r.computedAt.toISOString()],
    ],
    sections,
  };
}

/**
 * The human reading of a decrypted tally (issue 5 "Results"): per question, the count of each answer,
 * its share of the counted ballots and of the non-blank ones, the winners (the `max` answers with the
 * most votes, a tie at the last seat flagged instead of silently broken) and the blank ballots. Pure:
 * the same presentation feeds the results API, the CSV/XLSX/PDF exports and the emails, so a number
 * never differs between them.
 *
 * Blank ballots are not encrypted separately (protocol §5.4): their number follows from the tally only
 * when min = max = k ≥ 1 (blank = counted − Σ counts / k), is zero when blank is not allowed and
 * min ≥ 1, and is otherwise not separately countable (an election that must report it adds an answer
 * labelled "blank").
 */
import type { Manifest } from '@electra/core';

export interface AnswerResult {
  readonly id: string;
  readonly label: string;
  readonly count: number;
  /** count / ballots counted, in percent (2 decimals); 0 when nothing was counted. */
  readonly percentOfBallots: number;
  /** count / non-blank ballots counted, in percent; null when blank ballots are not countable. */
  readonly percentOfNonBlank: number | null;
  /** count / all selections made in this question, in percent (the answer's share of the votes). */
  readonly percentOfSelections: number;
  readonly elected: boolean;
}

export interface BlankResult {
  /** False when the tally cannot tell blank ballots apart (protocol §5.4). */
  readonly countable: boolean;
  /** Number of blank ballots when countable, else null. */
  readonly count: number | null;
  readonly note: string;
}

export interface TieResult {
  /** The vote count shared by the tied answers at the last seat(s). */
  readonly count: number;
  /** Seats left to fill among them. */
  readonly seats: number;
  readonly answers: readonly string[];
}

export interface QuestionResult {
  readonly id: string;
  readonly title: string;
  readonly min: number;
  readonly max: number;
  readonly blankAllowed: boolean;
  /** Answers in manifest order. */
  readonly answers: readonly AnswerResult[];
  /** Answer ids elected outright (at most `max`), by decreasing count. */
  readonly winners: readonly string[];
  /** Set when answers tie for the last seat(s): the officer decides by the election's rules. */
  readonly tie: TieResult | null;
  readonly blank: BlankResult;
  /** Σ counts: the number of selections made in this question. */
  readonly selections: number;
}

const percent = (part: number, whole: number): number =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0;

/** Blank ballots of a question, when the tally determines them (protocol §5.4). */
export function blankBallots(
  question: Manifest['questions'][number],
  counted: number,
  selections: number,
): BlankResult {
  if (question.min >= 1 && !question.blankAllowed) {
    return { countable: true, count: 0, note: 'blank ballots are not allowed in this question' };
  }
  if (question.blankAllowed && question.min >= 1 && question.min === question.max) {
    const k = question.max;
    const nonBlank = selections / k;
    if (!Number.isInteger(nonBlank) || nonBlank > counted) {
      throw new RangeError('blankBallots: counts inconsistent with min = max (tally corrupted?)');
    }
    return { countable: true, count: counted - nonBlank, note: `counted ballots − selections / ${k}` };
  }
  return {
    countable: false,
    count: null,
    note:
      question.min === 0
        ? 'an empty selection is a valid ballot here and is not counted separately (protocol §5.4)'
        : 'blank ballots are not separately countable when min < max (protocol §5.4)',
  };
}

/** Winners of one question: the `seats` answers with the most votes; a tie at the last seat is reported. */
export function pickWinners(
  answers: readonly { id: string; count: number }[],
  seats: number,
): { winners: string[]; tie: TieResult | null } {
  const ranked = [...answers].filter((a) => a.count > 0).sort((a, b) => b.count - a.count);
  if (ranked.length <= seats) return { winners: ranked.map((a) => a.id), tie: null };
  const boundary = ranked[seats - 1]!.count;
  const above = ranked.filter((a) => a.count > boundary);
  const atBoundary = ranked.filter((a) => a.count === boundary);
  if (above.length + atBoundary.length <= seats) {
    return { winners: [...above, ...atBoundary].map((a) => a.id), tie: null };
  }
  return {
    winners: above.map((a) => a.id),
    tie: { count: boundary, seats: seats - above.length, answers: atBoundary.map((a) => a.id) },
  };
}

/** Present the decrypted counts (result payload, protocol §9.2.7) of an election with `manifest`. */
export function presentResults(
  manifest: Manifest,
  counted: number,
  counts: readonly (readonly number[])[],
): QuestionResult[] {
  if (counts.length !== manifest.questions.length) {
    throw new RangeError('presentResults: one row of counts per question expected');
  }
  return manifest.questions.map((q, i) => {
    const row = counts[i]!;
    if (row.length !== q.answers.length) throw new RangeError(`presentResults: question ${i} has a bad row`);
    const selections = row.reduce((s, c) => s + c, 0);
    const blank = blankBallots(q, counted, selections);
    const nonBlank = blank.countable ? counted - (blank.count ?? 0) : null;
    const { winners, tie } = pickWinners(
      q.answers.map((a, j) => ({ id: a.id, count: row[j]! })),
      q.max,
    );
    return {
      id: q.id,
      title: q.title,
      min: q.min,
      max: q.max,
      blankAllowed: q.blankAllowed,
      answers: q.answers.map((a, j) => ({
        id: a.id,
        label: a.label,
        count: row[j]!,
        percentOfBallots: percent(row[j]!, counted),
        percentOfNonBlank: nonBlank === null ? null : percent(row[j]!, nonBlank),
        percentOfSelections: percent(row[j]!, selections),
        elected: winners.includes(a.id),
      })),
      winners,
      tie,
      blank,
      selections,
    };
  });
}

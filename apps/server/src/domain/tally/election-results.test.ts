import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Manifest } from '@electra/core';
import fc from 'fast-check';
import { blankBallots, pickWinners, presentResults } from './election-results.js';

const question = (id: string, answers: number, min: number, max: number, blankAllowed: boolean) => ({
  id,
  title: `Question ${id}`,
  answers: Array.from({ length: answers }, (_, j) => ({ id: `${id}a${j}`, label: `Answer ${j}` })),
  min,
  max,
  blankAllowed,
});

const manifest: Manifest = {
  v: 1,
  id: 'e1',
  title: 'Union',
  questions: [question('president', 3, 1, 1, true), question('board', 5, 0, 2, false)],
};

describe('presentResults', () => {
  test('counts, percentages, winners and blank ballots per question', () => {
    // 10 ballots: president 4/3/1 (2 blank), board selections 6/5/5/0/0
    const [president, board] = presentResults(manifest, 10, [
      [4, 3, 1],
      [6, 5, 5, 0, 0],
    ]);
    assert.deepEqual(
      president!.answers.map((a) => [a.count, a.percentOfBallots, a.percentOfNonBlank, a.elected]),
      [
        [4, 40, 50, true],
        [3, 30, 37.5, false],
        [1, 10, 12.5, false],
      ],
    );
    assert.deepEqual(president!.blank, {
      countable: true,
      count: 2,
      note: 'counted ballots − selections / 1',
    });
    assert.deepEqual(president!.winners, ['presidenta0']);
    assert.equal(president!.tie, null);
    // min = 0: the empty selection is valid and not separately countable
    assert.equal(board!.blank.countable, false);
    assert.equal(board!.blank.count, null);
    assert.ok(board!.answers.every((a) => a.percentOfNonBlank === null));
    assert.equal(board!.selections, 16);
    assert.equal(board!.answers[0]!.percentOfSelections, 37.5);
    // two seats, 6 then a tie 5/5 for the second seat
    assert.deepEqual(board!.winners, ['boarda0']);
    assert.deepEqual(board!.tie, { count: 5, seats: 1, answers: ['boarda1', 'boarda2'] });
  });

  test('no ballots: zeros, no winner, no division by zero', () => {
    const [president] = presentResults(manifest, 0, [
      [0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    assert.deepEqual(president!.winners, []);
    assert.equal(president!.tie, null);
    assert.ok(president!.answers.every((a) => a.percentOfBallots === 0 && a.percentOfNonBlank === 0));
  });

  test('rows that do not fit the manifest are refused', () => {
    assert.throws(() => presentResults(manifest, 1, [[1, 0, 0]]), RangeError);
    assert.throws(
      () =>
        presentResults(manifest, 1, [
          [1, 0],
          [0, 0, 0, 0, 0],
        ]),
      RangeError,
    );
  });
});

describe('blankBallots (protocol §5.4)', () => {
  test('zero when blank is not allowed and min ≥ 1; derived when min = max; unknown when min < max', () => {
    assert.equal(blankBallots(question('q', 3, 1, 2, false), 9, 12).count, 0);
    assert.equal(blankBallots(question('q', 4, 2, 2, true), 9, 14).count, 2);
    assert.equal(blankBallots(question('q', 4, 1, 2, true), 9, 12).countable, false);
    assert.throws(() => blankBallots(question('q', 4, 2, 2, true), 9, 13), RangeError);
  });
});

describe('pickWinners', () => {
  test('never more winners than seats; winners plus tied fill at least the seats when votes allow', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(20), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 8 }),
        (counts, seats) => {
          const answers = counts.map((count, i) => ({ id: `a${i}`, count }));
          const { winners, tie } = pickWinners(answers, seats);
          assert.ok(winners.length <= seats);
          const positive = counts.filter((c) => c > 0).length;
          if (tie) {
            assert.equal(tie.seats, seats - winners.length);
            assert.ok(tie.answers.length > tie.seats);
            const winnerCounts = winners.map((w) => answers.find((a) => a.id === w)!.count);
            assert.ok(winnerCounts.every((c) => c > tie.count));
          } else assert.equal(winners.length, Math.min(seats, positive));
        },
      ),
    );
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backupsToKeep } from './backup-retention.js';

const at = (iso: string) => ({ id: iso, createdAt: new Date(iso) });

describe('backupsToKeep', () => {
  const now = new Date('2026-11-27T03:00:00Z');
  // One nightly backup at 02:17 for 120 days, plus a manual one this morning.
  const nightly = Array.from({ length: 120 }, (_, i) =>
    at(new Date(Date.UTC(2026, 10, 27, 2, 17) - i * 86_400_000).toISOString()),
  );
  const all = [...nightly, at('2026-11-27T01:00:00.000Z')];

  test('keeps the last 7 days, 4 weeks and 6 months (newest of each) plus everything under a day old', () => {
    const keep = backupsToKeep(all, { daily: 7, weekly: 4, monthly: 6 }, now);
    const kept = [...keep].sort();
    // Daily: 21–27 Nov (27 Nov has two: both are under a day old). Weekly: newest of the ISO weeks
    // starting 23, 16, 9 and 2 Nov → 27, 22, 15, 8 Nov. Monthly: newest of Nov, Oct, Sep, Aug (the
    // 120 days reach back to 31 Jul) and Jul → 27 Nov, 31 Oct, 30 Sep, 31 Aug, 31 Jul.
    assert.deepEqual(kept, [
      '2026-07-31T02:17:00.000Z',
      '2026-08-31T02:17:00.000Z',
      '2026-09-30T02:17:00.000Z',
      '2026-10-31T02:17:00.000Z',
      '2026-11-08T02:17:00.000Z',
      '2026-11-15T02:17:00.000Z',
      '2026-11-21T02:17:00.000Z',
      '2026-11-22T02:17:00.000Z',
      '2026-11-23T02:17:00.000Z',
      '2026-11-24T02:17:00.000Z',
      '2026-11-25T02:17:00.000Z',
      '2026-11-26T02:17:00.000Z',
      '2026-11-27T01:00:00.000Z',
      '2026-11-27T02:17:00.000Z',
    ]);
  });

  test('zero everywhere still keeps backups younger than a day', () => {
    const keep = backupsToKeep(all, { daily: 0, weekly: 0, monthly: 0 }, now);
    assert.deepEqual([...keep].sort(), ['2026-11-27T01:00:00.000Z', '2026-11-27T02:17:00.000Z']);
  });
});

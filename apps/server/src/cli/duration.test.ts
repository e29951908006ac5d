import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  test('reads the units the CLI documents', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration(' 2D '), 172_800_000);
  });

  test('refuses bare numbers, unknown units, signs and trailing junk', () => {
    for (const bad of ['', '5', '5x', '-5m', '5m-', 'm5', '5 m', '1e3s', 'abc', '5mm']) {
      assert.equal(parseDuration(bad), undefined, bad);
    }
  });

  test('round-trips whole numbers of each unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom('ms', 's', 'm', 'h'), (n, unit) => {
        const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit];
        assert.equal(parseDuration(`${n}${unit}`), n * factor);
      }),
    );
  });
});

describe('formatDuration', () => {
  test('picks a readable unit', () => {
    assert.equal(formatDuration(850), '850ms');
    assert.equal(formatDuration(12_340), '12.3s');
    assert.equal(formatDuration(307_000), '5m 07s');
    assert.equal(formatDuration(7_380_000), '2h 03m');
  });
});

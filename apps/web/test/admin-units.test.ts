/**
 * Pure pieces of the console, without a browser: the schedule's wall-clock ↔ instant conversion in
 * the election's time zone (DST on both sides, half-hour offsets), and how the editor finds the field
 * an API refusal names (ELECTION_INVALID "questions[0].max: …" and schema errors "body/…").
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../src/lib/api.js';
import { fieldOfError } from '../src/pages/admin/editor.js';
import { isoToZoned, zonedToIso } from '../src/pages/admin/zoned-time.js';

describe('schedule times in the election time zone', () => {
  test('wall-clock times become the right instants, DST and odd offsets included', () => {
    assert.equal(zonedToIso('2026-03-01T08:00', 'Africa/Lagos'), '2026-03-01T07:00:00.000Z');
    assert.equal(zonedToIso('2026-01-15T08:00', 'Europe/Berlin'), '2026-01-15T07:00:00.000Z');
    assert.equal(zonedToIso('2026-07-15T08:00', 'Europe/Berlin'), '2026-07-15T06:00:00.000Z');
    assert.equal(zonedToIso('2026-07-15T08:00', 'America/New_York'), '2026-07-15T12:00:00.000Z');
    assert.equal(zonedToIso('2026-07-15T08:00', 'Asia/Kolkata'), '2026-07-15T02:30:00.000Z');
    assert.equal(zonedToIso('2026-07-15T23:30', 'UTC'), '2026-07-15T23:30:00.000Z');
    assert.equal(zonedToIso('', 'UTC'), null);
  });

  test('instants shown on the wall clock of the zone round-trip', () => {
    for (const zone of ['Africa/Lagos', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC']) {
      for (const local of ['2026-01-15T08:00', '2026-07-15T23:45', '2026-12-31T00:05']) {
        assert.equal(isoToZoned(zonedToIso(local, zone), zone), local, `${zone} ${local}`);
      }
    }
    assert.equal(isoToZoned(null, 'UTC'), '');
  });
});

describe('the field an API refusal names', () => {
  test('domain refusals and schema errors map to editor fields', () => {
    const invalid = new ApiError(422, 'ELECTION_INVALID', 'questions[0].max: must be at least min');
    assert.equal(fieldOfError(invalid), 'questions[0].max');
    const schema = new ApiError(
      400,
      'VALIDATION_FAILED',
      'body/questions/1/answers/0/label must NOT have fewer than 1 characters',
    );
    assert.equal(fieldOfError(schema), 'questions[1].answers[0].label');
    assert.equal(
      fieldOfError(new ApiError(400, 'VALIDATION_FAILED', 'body/title must NOT be empty')),
      'title',
    );
    assert.equal(fieldOfError(new ApiError(409, 'VERSION_CONFLICT', 'moved on')), null);
    assert.equal(fieldOfError(new Error('x')), null);
  });
});

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initCore } from '@electra/core';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { canonicalTimeZone, validateDraft } from './election-validation.js';
import { csvField, csvRows } from './export-csv.js';

before(initCore);

const id = '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
const draft = {
  title: 'Union',
  questions: [
    { id: 'q', title: 'Q', min: 1, max: 1, blankAllowed: false, answers: [{ id: 'a', label: 'A' }] },
  ],
};

describe('draft validation', () => {
  test('time zones are canonical IANA names; offsets and unknown names are refused', () => {
    assert.equal(canonicalTimeZone('africa/lagos'), 'Africa/Lagos');
    assert.equal(canonicalTimeZone('UTC'), 'UTC');
    assert.equal(canonicalTimeZone('+01:00'), null);
    assert.equal(canonicalTimeZone('Mars/Olympus'), null);
    const r = validateDraft(id, { ...draft, timeZone: 'europe/paris' });
    assert.ok(r.ok);
    assert.equal(r.draft.timeZone, 'Europe/Paris');
  });

  test('defaults: UTC, forbidden revotes, everyone eligible, managed credentials, fixed order', () => {
    const r = validateDraft(id, draft);
    assert.ok(r.ok);
    assert.equal(r.draft.manifest.id, id);
    assert.deepEqual(
      [r.draft.timeZone, r.draft.revotePolicy, r.draft.eligibility, r.draft.credentialMode],
      ['UTC', 'forbidden', { kind: 'all' }, 'managed'],
    );
    assert.equal(r.draft.presentation.questions[0]!.answerOrder, 'fixed');
  });

  test('group values are trimmed and de-duplicated; blank values are refused', () => {
    const r = validateDraft(id, {
      ...draft,
      eligibility: { kind: 'groups', groups: { level: [' 100', '100', '200'] } },
    });
    assert.ok(r.ok);
    assert.deepEqual(r.draft.eligibility, { kind: 'groups', groups: { level: ['100', '200'] } });
    const bad = validateDraft(id, { ...draft, eligibility: { kind: 'groups', groups: { level: ['  '] } } });
    assert.ok(!bad.ok);
    assert.equal(bad.field, 'eligibility.groups.level');
  });
});

describe('CSV writer', () => {
  test('cells starting with = + - @ become text; quotes, commas and newlines are quoted', () => {
    assert.equal(csvField('=1+1'), "'=1+1");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('-2'), "'-2");
    assert.equal(csvField(-2), '-2');
    assert.equal(csvField('a "b", c'), '"a ""b"", c"');
    assert.equal(csvField(null), '');
  });

  test('any table round-trips through an RFC 4180 parser (property)', () => {
    const cell = fc.oneof(fc.string(), fc.integer(), fc.constant(null));
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        (rows) => {
          const parsed = parse(csvRows(rows), { relax_quotes: false }) as string[][];
          const width = Math.max(...rows.map((r) => r.length));
          assert.equal(parsed.length, rows.length);
          rows.forEach((row, i) => {
            const expected = [
              ...row.map((c) =>
                c === null ? '' : typeof c === 'number' ? String(c) : /^[=+\-@\t\r]/.test(c) ? `'${c}` : c,
              ),
            ];
            while (expected.length < width) expected.push('');
            assert.deepEqual(parsed[i], expected);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

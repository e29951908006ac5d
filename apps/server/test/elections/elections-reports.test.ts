/**
 * Turnout and exports on a real database: eligible/voted/percentage overall and per attribute value,
 * ballots per interval in the election's time zone, who may read them, and the CSV/XLSX/PDF files
 * parsed back (csv-parse, exceljs, pdftotext): same numbers, formula-safe cells, and on the results
 * PDF the record hash and the verifier's verdict.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { ExportableResults, ResultsSource } from '../../src/domain/elections/export-document.js';
import type { TallyService } from '../../src/domain/tally/tally.service.js';
import { signedIn } from '../access/access-kit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { auth, createElection, type ElectionsApp, electionsApp, forceState } from './elections-kit.js';

// The tally's service is the results source main.ts wires in (checked at compile time).
export const tallyIsAResultsSource = (tally: TallyService): ResultsSource => tally;

let tdb: TestDatabase;
let ea: ElectionsApp;
let electionId: string;
const work = mkdtempSync(join(tmpdir(), 'electra-exports-'));

function pdfText(pdf: Buffer): string | null {
  try {
    const file = join(work, `f${Math.random().toString(36).slice(2)}.pdf`);
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

before(async () => {
  tdb = await createTestDatabase();
  ea = await electionsApp(tdb.db);
  const e = await createElection(ea, {
    title: 'Faculty reps 2026',
    eligibility: { kind: 'groups', groups: { faculty: ['Science', 'Arts'] } },
  });
  electionId = e.id;
  // The kit's voter (Science, level 200) plus: 3 more Science, 2 Arts; 1 Law (not eligible).
  const people: [string, Record<string, string>][] = [
    ['s1', { faculty: 'Science', level: '100' }],
    ['s2', { faculty: 'Science', level: '200' }],
    ['s3', { faculty: 'Science', level: '300' }],
    ['a1', { faculty: 'Arts', level: '100' }],
    ['a2', { faculty: 'Arts', level: '100' }],
    ['l1', { faculty: 'Law', level: '100' }],
  ];
  const ids: Record<string, string> = {};
  for (const [name, attributes] of people) {
    ids[name] = (await signedIn(ea.auth, `${name}@example.edu`, ['voter'], { attributes })).user.id;
  }
  await forceState(tdb.db, electionId, 'open');
  // Voted: s1 and s2 on 1 March (Lagos 09:10 and 09:50), a1 at 11:30 Lagos time.
  const votes: [string, string][] = [
    [ids.s1!, '2026-03-01T08:10:00Z'],
    [ids.s2!, '2026-03-01T08:50:00Z'],
    [ids.a1!, '2026-03-01T10:30:00Z'],
  ];
  for (const [user, at] of votes) {
    await tdb.db.query(
      't',
      'INSERT INTO voters_voted (election_id, user_id, first_at, last_at, count) VALUES ($1, $2, $3, $3, 1)',
      [electionId, user, at],
    );
  }
});
after(async () => {
  await ea?.app.close();
  await tdb?.drop();
  rmSync(work, { recursive: true, force: true });
});

describe('turnout', () => {
  test('overall, by group and per hour, counted from the roll and participation', async () => {
    const r = await ea.app.inject({
      url: `/api/elections/${electionId}/turnout?interval=1h`,
      headers: auth(ea.officer),
    });
    assert.equal(r.statusCode, 200, r.body);
    const t = r.json();
    assert.equal(t.eligible, 6);
    assert.equal(t.voted, 3);
    assert.equal(t.percentage, 50);
    const faculty = t.byGroup.find((g: { key: string }) => g.key === 'faculty');
    assert.deepEqual(faculty.values, [
      { value: 'Arts', eligible: 2, voted: 1, percentage: 50 },
      { value: 'Science', eligible: 4, voted: 2, percentage: 50 },
    ]);
    const level = t.byGroup.find((g: { key: string }) => g.key === 'level');
    assert.deepEqual(
      level.values.map((v: { value: string; eligible: number; voted: number }) => [
        v.value,
        v.eligible,
        v.voted,
      ]),
      [
        ['100', 3, 2],
        ['200', 2, 1],
        ['300', 1, 0],
      ],
    );
    assert.deepEqual(t.series, [
      { start: '2026-03-01T08:00:00.000Z', ballots: 2, cumulative: 2 },
      { start: '2026-03-01T10:00:00.000Z', ballots: 1, cumulative: 3 },
    ]);
    const daily = (
      await ea.app.inject({
        url: `/api/elections/${electionId}/turnout?interval=1d`,
        headers: auth(ea.auditor),
      })
    ).json();
    // one day, starting at midnight in Africa/Lagos (UTC+1)
    assert.deepEqual(daily.series, [{ start: '2026-02-28T23:00:00.000Z', ballots: 3, cumulative: 3 }]);
  });

  test('officers, admins and auditors read turnout; voters do not; bad intervals are 400', async () => {
    for (const who of [ea.officer, ea.admin, ea.auditor]) {
      assert.equal(
        (await ea.app.inject({ url: `/api/elections/${electionId}/turnout`, headers: auth(who) })).statusCode,
        200,
      );
    }
    assert.equal(
      (await ea.app.inject({ url: `/api/elections/${electionId}/turnout`, headers: auth(ea.voter) }))
        .statusCode,
      403,
    );
    assert.equal((await ea.app.inject({ url: `/api/elections/${electionId}/turnout` })).statusCode, 401);
    assert.equal(
      (
        await ea.app.inject({
          url: `/api/elections/${electionId}/turnout?interval=7m`,
          headers: auth(ea.officer),
        })
      ).statusCode,
      400,
    );
    assert.equal(
      (
        await ea.app.inject({
          url: `/api/elections/${electionId}/export/turnout.csv`,
          headers: auth(ea.voter),
        })
      ).statusCode,
      403,
    );
  });
});

describe('exports', () => {
  const get = (file: string) =>
    ea.app.inject({ url: `/api/elections/${electionId}/export/${file}`, headers: auth(ea.auditor) });

  test('turnout.csv parses back with the same numbers (RFC 4180)', async () => {
    const r = await get('turnout.csv');
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^text\/csv/);
    assert.match(
      String(r.headers['content-disposition']),
      /attachment; filename="election-.*-turnout-.*\.csv"/,
    );
    const rows = parse(r.rawPayload, { bom: true }) as string[][];
    assert.equal(rows[0]![0], 'Turnout — Faculty reps 2026');
    const width = rows[0]!.length;
    assert.ok(
      rows.every((row) => row.length === width),
      'every row has the same number of fields',
    );
    const header = rows.findIndex((row) => row[0] === 'eligible');
    assert.deepEqual(rows[header + 1]!.slice(0, 3), ['6', '3', '50']);
    assert.ok(rows.some((row) => row.slice(0, 5).join('|') === 'faculty|Science|4|2|50'));
  });

  test('turnout.xlsx opens in exceljs with the numbers as numbers', async () => {
    const r = await get('turnout.xlsx');
    assert.equal(r.statusCode, 200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    assert.equal(book.getWorksheet('Summary')!.getCell('A1').value, 'Turnout — Faculty reps 2026');
    const overall = book.getWorksheet('Overall')!;
    assert.deepEqual(
      [overall.getCell('A2').value, overall.getCell('B2').value, overall.getCell('C2').value],
      [6, 3, 50],
    );
    const groups = book.getWorksheet('By group')!;
    const values: unknown[][] = [];
    groups.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    assert.ok(values.some((v) => v.join('|') === 'faculty|Arts|2|1|50'));
  });

  test('turnout.pdf renders the title and the numbers', async (t) => {
    const r = await get('turnout.pdf');
    assert.equal(r.statusCode, 200);
    assert.equal(r.rawPayload.subarray(0, 5).toString(), '%PDF-');
    const text = pdfText(r.rawPayload);
    if (text === null) return t.skip('pdftotext is not installed');
    assert.match(text, /Turnout — Faculty reps 2026/);
    assert.match(text, /Science\s+4\s+2\s+50/);
    assert.match(text, /eligible\s+voted\s+percentage/);
  });

  test('results exports: 409 before a result, then the counts, the record hash and the verdict', async (t) => {
    const open = await get('results.pdf');
    assert.equal(open.statusCode, 409);
    assert.equal(open.json().error.code, 'INVALID_ELECTION_STATE', 'no results while open');
    await forceState(tdb.db, electionId, 'tallied');
    const before = await get('results.pdf');
    assert.equal(before.statusCode, 409);
    assert.equal(before.json().error.code, 'RESULTS_UNAVAILABLE', 'no results source wired yet');
    const results: ExportableResults = {
      title: 'Faculty reps 2026',
      counted: 3,
      fingerprint: 'fp_abc',
      resultHeight: 7,
      computedAt: new Date('2026-03-02T10:00:00Z'),
      questions: [
        {
          id: 'president',
          title: 'President',
          min: 1,
          max: 1,
          answers: [
            { id: 'ada', label: 'Ada Obi', count: 2, percentOfBallots: 66.67, elected: true },
            { id: 'chi', label: '=HYPERLINK("x")', count: 1, percentOfBallots: 33.33, elected: false },
          ],
          tie: null,
          blank: { countable: true, count: 0 },
        },
      ],
      verification: {
        valid: true,
        headHeight: 8,
        headHash: 'Hd9Xq1h2u3v4w5x6y7z8A9B0C1D2E3F4G5H6I7J8K9L',
        verifiedAt: new Date('2026-03-02T10:00:05Z'),
        failures: 0,
      },
    };
    ea.elections.setResultsSource({ resultsFor: async (id) => (id === electionId ? results : null) });
    const csv = await get('results.csv');
    const rows = parse(csv.rawPayload, { bom: true }) as string[][];
    assert.ok(rows.some((r) => r[0] === 'Ada Obi' && r[1] === '2' && r[3] === 'yes'));
    assert.ok(
      rows.some((r) => r[0] === `'=HYPERLINK("x")`),
      'formula-like text is neutralised',
    );
    assert.ok(
      rows.some((r) => r[0] === 'Record hash (board head)' && r[1] === results.verification!.headHash),
    );
    const pdf = await get('results.pdf');
    assert.equal(pdf.statusCode, 200);
    const text = pdfText(pdf.rawPayload);
    if (text === null) return t.skip('pdftotext is not installed');
    assert.match(text, /Results — Faculty reps 2026/);
    assert.ok(text.includes(results.verification!.headHash));
    assert.match(text, /Verifier verdict: VALID/);
    assert.match(text, /Ada Obi\s+2\s+66\.67\s+yes/);
  });
});

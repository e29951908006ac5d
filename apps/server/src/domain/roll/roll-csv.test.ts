import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MAX_ROLL_ROWS, parseRollCsv } from './roll-csv.js';

describe('parseRollCsv: valid files', () => {
  test('reads identifiers and both group forms, BOM, CRLF and quoted fields', async () => {
    const csv =
      '\ufeffEmail,Name,matric_number,staff_id,groups,group:level\r\n' +
      'Ada@Example.org,"Lovelace, Ada",CSC/2020/001,,faculty=Science; department = Maths,200\r\n' +
      '\r\n' +
      'bob@example.org,"Bob ""the"" Builder",,ST-9,,\r\n';
    const r = await parseRollCsv(csv);
    assert.deepEqual(r.errors, []);
    assert.equal(r.records, 2);
    assert.deepEqual(r.rows, [
      {
        line: 2,
        email: 'ada@example.org',
        name: 'Lovelace, Ada',
        identifiers: { matric: 'CSC/2020/001' },
        groups: { faculty: 'Science', department: 'Maths', level: '200' },
      },
      {
        line: 4,
        email: 'bob@example.org',
        name: 'Bob "the" Builder',
        identifiers: { staff_id: 'ST-9' },
        groups: {},
      },
    ]);
  });

  test('without group columns, groups are not given (null), and a stream works like a string', async () => {
    const r = await parseRollCsv(Readable.from(['email,na', 'me\nc@example.org,C\n']));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.rows, [{ line: 2, email: 'c@example.org', name: 'C', identifiers: {}, groups: null }]);
  });

  test('any well-formed roll parses back to what was written', async () => {
    const row = fc.record({
      local: fc.stringMatching(/^[a-z0-9._-]{1,20}$/),
      name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '' && !/\p{Cc}/u.test(s)),
      faculty: fc.stringMatching(/^[A-Za-z ]{1,10}$/).filter((s) => s.trim() !== ''),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 20 }), async (rows) => {
        const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
        const csv = [
          'email,name,group:faculty',
          ...rows.map((r, i) => `${r.local}${i}@x.org,${q(r.name)},${q(r.faculty)}`),
        ].join('\n');
        const parsed = await parseRollCsv(csv);
        assert.deepEqual(parsed.errors, []);
        assert.deepEqual(
          parsed.rows.map((r) => [r.email, r.name, r.groups]),
          rows.map((r, i) => [`${r.local}${i}@x.org`, r.name.trim(), { faculty: r.faculty.trim() }]),
        );
      }),
      { numRuns: 50 },
    );
  });
});

describe('parseRollCsv: errors name the line and the field', () => {
  test('header problems stop at the header', async () => {
    const r = await parseRollCsv('name,e-mail,name\nx,y,z\n');
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.field]),
      [
        [1, 'e-mail'],
        [1, 'name'],
        [1, 'email'],
      ],
    );
    assert.deepEqual(r.rows, []);
  });

  test('row problems are all listed, valid rows still parsed', async () => {
    const csv = [
      'email,name,matric_number,groups,group:faculty',
      'good@example.org,Good,M1,level=100,Arts',
      'not-an-email,Bad Email,,,',
      'noname@example.org,,,,',
      'id@example.org,Bad Id,has space,,',
      'grp@example.org,Bad Group,,level,',
      'clash@example.org,Clash,,faculty=Science,Arts',
      'GOOD@example.org,Duplicate,,,',
      'dupid@example.org,Dup Id,m1,,',
      'short@example.org,Short',
      'ok@example.org,"Multi',
      'line",,,',
      'last@example.org,"unterminated,,,',
    ].join('\n');
    const r = await parseRollCsv(csv);
    assert.deepEqual(
      r.errors.map((e) => [e.line, e.field]),
      [
        [3, 'email'],
        [4, 'name'],
        [5, 'matric_number'],
        [6, 'groups'],
        [7, 'group:faculty'],
        [8, 'email'],
        [9, 'matric_number'],
        [10, null],
        [12, 'name'],
        [13, null],
      ],
    );
    assert.match(r.errors.find((e) => e.line === 8)!.reason, /same email as line 2/);
    assert.match(r.errors.find((e) => e.line === 10)!.reason, /2 fields but the header has 5/);
    assert.match(r.errors.find((e) => e.line === 13)!.reason, /never closed/);
    assert.match(
      r.errors.find((e) => e.line === 12)!.reason,
      /control characters/,
      'a record spanning lines is reported where it ends',
    );
    assert.deepEqual(
      r.rows.map((x) => [x.line, x.email]),
      [[2, 'good@example.org']],
    );
  });

  test('an empty file is an error', async () => {
    assert.deepEqual((await parseRollCsv('')).errors, [
      { line: 1, field: null, reason: 'the file is empty (a header row is required)' },
    ]);
  });

  test(`more than the row limit (${MAX_ROLL_ROWS} by default) is refused without reading further`, async () => {
    let pulled = 0;
    const lines = (function* () {
      yield 'email,name\n';
      for (let i = 0; i < 10_000; i++) {
        pulled++;
        yield `v${i}@example.org,V${i}\n`;
      }
    })();
    const r = await parseRollCsv(Readable.from(lines), { maxRows: 500 });
    assert.deepEqual(r.errors, [{ line: 502, field: null, reason: 'more than 500 rows; split the file' }]);
    assert.equal(r.rows.length, 500);
    assert.ok(pulled < 5000, `stopped reading early (pulled ${pulled} lines)`);
  });
});

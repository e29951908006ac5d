import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { question, REFERENCE_MANIFEST } from '../test/ballot-fixtures.js';
import { initCore } from './init.js';
import { allowedSums, manifestHash, parseManifest } from './manifest.js';

before(initCore);

// biome-ignore lint/suspicious/noExplicitAny: the tests mutate deep JSON freely
const clone = (): Record<string, any> => JSON.parse(JSON.stringify(REFERENCE_MANIFEST));

function expectError(json: unknown, code: string, path: string): void {
  const r = parseManifest(json);
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.code, code);
    assert.equal(r.path, path);
  }
}

describe('manifest (protocol §5.1–§5.2)', () => {
  test('the reference manifest parses to an equal value', () => {
    const r = parseManifest(clone());
    assert.ok(r.ok);
    assert.deepEqual(r.manifest, REFERENCE_MANIFEST);
  });

  test('each violation has its code and path', () => {
    expectError(null, 'MANIFEST_MALFORMED', '$');
    expectError({ ...clone(), v: 2 }, 'MANIFEST_UNSUPPORTED_VERSION', '$.v');
    expectError({ ...clone(), extra: 1 }, 'MANIFEST_MALFORMED', '$.extra');
    const { title: _t, ...noTitle } = clone();
    expectError(noTitle, 'MANIFEST_MALFORMED', '$.title');
    expectError({ ...clone(), id: 'bad id' }, 'MANIFEST_BAD_ID', '$.id');
    expectError({ ...clone(), id: 'x'.repeat(65) }, 'MANIFEST_BAD_ID', '$.id');
    expectError({ ...clone(), title: '   ' }, 'MANIFEST_BAD_TEXT', '$.title');
    expectError({ ...clone(), title: 'a\uD800b' }, 'MANIFEST_BAD_TEXT', '$.title');
    expectError({ ...clone(), questions: [] }, 'MANIFEST_EMPTY', '$.questions');
    expectError(
      { ...clone(), questions: Array.from({ length: 51 }, (_, i) => question(`q${i}`, 2, 0, 1, false)) },
      'MANIFEST_TOO_LARGE',
      '$.questions',
    );
    const m = clone();
    m.questions[1].answers = Array.from({ length: 101 }, (_, i) => ({ id: `a${i}`, label: 'x' }));
    expectError(m, 'MANIFEST_TOO_LARGE', '$.questions[1].answers');
    const dupQ = clone();
    dupQ.questions[1].id = 'q1';
    expectError(dupQ, 'MANIFEST_DUPLICATE_ID', '$.questions[1].id');
    const dupA = clone();
    dupA.questions[0].answers[2].id = dupA.questions[0].answers[0].id;
    expectError(dupA, 'MANIFEST_DUPLICATE_ID', '$.questions[0].answers[2].id');
    const badMin = clone();
    badMin.questions[0].min = 2;
    expectError(badMin, 'MANIFEST_BAD_BOUNDS', '$.questions[0].min');
    const badMax = clone();
    badMax.questions[0].max = 4;
    badMax.questions[0].min = 0;
    expectError(badMax, 'MANIFEST_BAD_BOUNDS', '$.questions[0].max');
    const zeroMax = clone();
    zeroMax.questions[1].max = 0;
    expectError(zeroMax, 'MANIFEST_BAD_BOUNDS', '$.questions[1].max');
    const neg = clone();
    neg.questions[1].min = -1;
    expectError(neg, 'MANIFEST_BAD_BOUNDS', '$.questions[1].min');
    const frac = clone();
    frac.questions[1].max = 1.5;
    expectError(frac, 'MANIFEST_MALFORMED', '$.questions[1].max');
    const blank = clone();
    blank.questions[0].blankAllowed = 'yes';
    expectError(blank, 'MANIFEST_MALFORMED', '$.questions[0].blankAllowed');
    const unknownAnswerField = clone();
    unknownAnswerField.questions[0].answers[0].extra = true;
    expectError(unknownAnswerField, 'MANIFEST_MALFORMED', '$.questions[0].answers[0].extra');
  });

  test('the hash ignores key order but not content', () => {
    const m = clone();
    const reordered = { questions: m.questions, title: m.title, id: m.id, v: 1 };
    const r = parseManifest(reordered);
    assert.ok(r.ok);
    assert.equal(manifestHash(r.manifest), manifestHash(REFERENCE_MANIFEST));
    assert.match(manifestHash(REFERENCE_MANIFEST), /^[A-Za-z0-9_-]{43}$/);
    m.questions[0].answers[0].label = 'Answer 0 ';
    const changed = parseManifest(m);
    assert.ok(changed.ok);
    assert.notEqual(manifestHash(changed.manifest), manifestHash(REFERENCE_MANIFEST));
  });

  test('allowed sums: blank adds 0 only when min ≥ 1', () => {
    assert.deepEqual(allowedSums(question('a', 3, 1, 1, true)), [0, 1]);
    assert.deepEqual(allowedSums(question('a', 3, 1, 1, false)), [1]);
    assert.deepEqual(allowedSums(question('a', 5, 0, 2, true)), [0, 1, 2]);
    assert.deepEqual(allowedSums(question('a', 5, 2, 4, true)), [0, 2, 3, 4]);
    assert.deepEqual(allowedSums(question('a', 5, 5, 5, false)), [5]);
  });
});

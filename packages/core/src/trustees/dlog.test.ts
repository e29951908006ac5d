import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { baseMul, Point, Scalar } from '../group/group.js';
import { initCore } from '../init.js';
import { DlogTable, discreteLog } from './dlog.js';

before(initCore);

describe('bounded discrete log, baby-step giant-step (protocol §8.6)', () => {
  test('property: every m in [0, bound] is found, with the default and with custom table sizes', () => {
    const tables = new Map<string, DlogTable>();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.constantFrom(undefined, 1, 7, 64),
        fc.nat(),
        (bound, babySteps, pick) => {
          const id = `${bound}/${babySteps}`;
          let table = tables.get(id);
          if (!table) {
            table = new DlogTable(bound, babySteps);
            tables.set(id, table);
          }
          const m = pick % (bound + 1);
          assert.deepEqual(table.solve(baseMul(Scalar.of(m))), { ok: true, value: m });
        },
      ),
      { numRuns: 40 },
    );
  });

  test('edges: 0 (the identity), the bound itself, bound + 1, a far-away point', () => {
    const t = new DlogTable(100);
    assert.deepEqual(t.solve(Point.identity), { ok: true, value: 0 });
    assert.deepEqual(t.solve(baseMul(Scalar.of(100))), { ok: true, value: 100 });
    assert.deepEqual(t.solve(baseMul(Scalar.of(101))), { ok: false, code: 'DLOG_OUT_OF_BOUND' });
    assert.deepEqual(t.solve(baseMul(Scalar.of(10 ** 9))), { ok: false, code: 'DLOG_OUT_OF_BOUND' });
    // bound not a multiple of the table size: the last giant step must not overshoot.
    const u = new DlogTable(10, 4);
    assert.deepEqual(u.solve(baseMul(Scalar.of(10))), { ok: true, value: 10 });
    assert.deepEqual(u.solve(baseMul(Scalar.of(11))), { ok: false, code: 'DLOG_OUT_OF_BOUND' });
    assert.deepEqual(discreteLog(baseMul(Scalar.of(3)), 3), { ok: true, value: 3 });
  });

  test('a tally-sized bound (10^6) is solved with one reusable table', () => {
    const t = new DlogTable(1_000_000);
    assert.equal(t.babySteps, 1001); // ⌈√(10^6 + 1)⌉
    for (const m of [0, 1, 999_999, 1_000_000, 123_456]) {
      assert.deepEqual(t.solve(baseMul(Scalar.of(m))), { ok: true, value: m });
    }
    assert.equal(t.solve(baseMul(Scalar.of(1_000_001))).ok, false);
  });

  test('misuse throws', () => {
    assert.throws(() => new DlogTable(-1), RangeError);
    assert.throws(() => new DlogTable(1.5), RangeError);
    assert.throws(() => new DlogTable(10, 0), RangeError);
  });
});

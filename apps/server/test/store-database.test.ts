/**
 * The pg-backed Database on a real PostgreSQL: slow queries are logged by statement name without
 * parameters, transactions commit or roll back as a whole, and the retries promised in
 * pg-database.ts happen (serialization failure, connection lost before COMMIT).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { StoreLogger } from '../src/store/store-logger.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

interface Line {
  level: string;
  obj: object;
  msg: string;
}

function capture(): { logger: StoreLogger; lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      lines.push({ level, obj, msg });
    };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('pg Database', () => {
  const log = capture();
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ logger: log.logger, slowQueryMs: 150, poolMax: 4 });
    await t.db.query('test.schema', 'CREATE TABLE items (id int PRIMARY KEY, note text NOT NULL)');
  });
  after(() => t.drop());

  test('a query slower than slowQueryMs logs a "slow query" warning with the statement name, not the parameters', async () => {
    log.lines.length = 0;
    await t.db.query('items.fast', 'SELECT $1::text AS v', ['fast-secret']);
    const res = await t.db.query('items.sleepy', 'SELECT pg_sleep(0.25), $1::text AS v', [
      'very-secret-param',
    ]);
    assert.equal(res.rows[0]?.v, 'very-secret-param');
    const warnings = log.lines.filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1);
    const [w] = warnings;
    assert.match(w!.msg, /slow query/);
    assert.equal((w!.obj as { statement: string }).statement, 'items.sleepy');
    assert.ok((w!.obj as { durationMs: number }).durationMs >= 250);
    assert.doesNotMatch(JSON.stringify(log.lines), /secret/);
  });

  test('a transaction commits everything, or nothing when its function throws', async () => {
    await t.db.transaction('items.ok', async (tx) => {
      await tx.query('items.insert', 'INSERT INTO items VALUES (1, $1)', ['kept']);
      await tx.query('items.insert', 'INSERT INTO items VALUES (2, $1)', ['kept']);
    });
    await assert.rejects(
      t.db.transaction('items.fail', async (tx) => {
        await tx.query('items.insert', 'INSERT INTO items VALUES (3, $1)', ['lost']);
        throw new Error('boom');
      }),
      /boom/,
    );
    await assert.rejects(
      t.db.transaction('items.dup', async (tx) => {
        await tx.query('items.insert', 'INSERT INTO items VALUES (4, $1)', ['lost']);
        await tx.query('items.insert', 'INSERT INTO items VALUES (1, $1)', ['duplicate']);
      }),
      { code: '23505' },
    );
    const rows = await t.db.query('items.all', 'SELECT id FROM items ORDER BY id');
    assert.deepEqual(rows.rows, [{ id: 1 }, { id: 2 }]);
    // The pool is healthy afterwards: nothing left checked out or stuck in a transaction.
    assert.equal(t.db.poolStats().waiting, 0);
    assert.equal(t.db.poolStats().total, t.db.poolStats().idle);
  });

  test('serialization failures (40001) are retried until both transactions commit', async () => {
    await t.db.query('counter.schema', 'CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
    await t.db.query('counter.init', 'INSERT INTO counter VALUES (1, 0)');
    let arrived = 0;
    let release!: () => void;
    const barrier = new Promise<void>((r) => {
      release = r;
    });
    let attempts = 0;
    const bump = () =>
      t.db.transaction('counter.bump', async (tx) => {
        attempts += 1;
        await tx.query('counter.iso', 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE');
        const cur = await tx.query<{ n: number }>('counter.read', 'SELECT n FROM counter WHERE id = 1');
        if (arrived < 2) {
          arrived += 1;
          if (arrived === 2) release();
          await barrier; // both have read the same value before either writes
        }
        await tx.query('counter.write', 'UPDATE counter SET n = $1 WHERE id = 1', [cur.rows[0]!.n + 1]);
      });
    await Promise.all([bump(), bump()]);
    const res = await t.db.query<{ n: number }>('counter.final', 'SELECT n FROM counter WHERE id = 1');
    assert.equal(res.rows[0]?.n, 2);
    assert.ok(attempts >= 3, `expected a retry, saw ${attempts} attempts`);
  });

  test('a connection lost before COMMIT is retried on a new connection', async () => {
    let attempts = 0;
    const result = await t.db.transaction('items.reconnect', async (tx) => {
      attempts += 1;
      const me = await tx.query<{ pid: number }>('self.pid', 'SELECT pg_backend_pid() AS pid');
      await tx.query('items.insert', 'INSERT INTO items VALUES (10 + $1::int, $2)', [attempts, 'retried']);
      if (attempts === 1) {
        // An operator's session, not the pool (the pool refuses a second connection inside a tx).
        const operator = new pg.Client({ connectionString: t.url });
        await operator.connect();
        await operator.query('SELECT pg_terminate_backend($1::int)', [me.rows[0]!.pid]);
        await operator.end();
      }
      await tx.query('items.after', 'SELECT 1');
      return attempts;
    });
    assert.equal(result, 2);
    const rows = await t.db.query('items.retried', `SELECT id FROM items WHERE note = 'retried'`);
    assert.deepEqual(rows.rows, [{ id: 12 }]);
  });

  test('a statement runs prepared on its connection; a name used with two SQL texts runs unprepared', async () => {
    const prepared = () =>
      t.db.transaction('prepared.check', async (tx) => {
        await tx.query('items.by_id', 'SELECT note FROM items WHERE id = $1', [1]);
        const { rows } = await tx.query<{ statement: string }>(
          'prepared.list',
          `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'electra\\_%'`,
        );
        return rows.map((r) => r.statement);
      });
    assert.ok((await prepared()).includes('SELECT note FROM items WHERE id = $1'));
    const before = t.db.preparedStatementCount();
    const a = await t.db.query('items.dynamic', 'SELECT $1::int + 1 AS v', [1]);
    const b = await t.db.query('items.dynamic', 'SELECT $1::int + 2 AS v', [1]);
    assert.deepEqual([a.rows[0]?.v, b.rows[0]?.v], [2, 3]);
    assert.equal(t.db.preparedStatementCount(), before, 'a name with two texts is no longer prepared');
  });

  test('a prepared statement whose result type a migration changed runs again unprepared (alone or in a transaction)', async () => {
    await t.db.query('test.schema', 'CREATE TABLE drift (id int PRIMARY KEY)');
    await t.db.query('drift.insert', 'INSERT INTO drift VALUES (1)');
    // Prepare both statements on every pooled connection, then change what `SELECT *` returns.
    const all = () => t.db.query('drift.all', 'SELECT * FROM drift');
    const inTx = () => t.db.transaction('drift.tx', (tx) => tx.query('drift.all_tx', 'SELECT * FROM drift'));
    await Promise.all(Array.from({ length: 8 }, () => Promise.all([all(), inTx()])));
    await t.db.query('test.schema', "ALTER TABLE drift ADD COLUMN note text NOT NULL DEFAULT 'x'");
    const results = await Promise.all(Array.from({ length: 8 }, () => Promise.all([all(), inTx()])));
    for (const [alone, tx] of results) {
      assert.deepEqual(alone.rows, [{ id: 1, note: 'x' }]);
      assert.deepEqual(tx.rows, [{ id: 1, note: 'x' }]);
    }
  });

  test('taking a second pooled connection inside a transaction is refused (it can deadlock the pool)', async () => {
    await assert.rejects(
      t.db.transaction('nested.outer', async () => {
        await t.db.query('nested.inner', 'SELECT 1');
      }),
      /a second database connection was taken inside transaction nested\.outer/,
    );
    // Work that outlives the transaction may use the pool afterwards.
    let later: Promise<unknown> | undefined;
    await t.db.transaction('nested.done', async (tx) => {
      await tx.query('nested.in_tx', 'SELECT 1');
      later = new Promise((r) => setTimeout(r, 20)).then(() => t.db.query('nested.after', 'SELECT 1'));
    });
    await later;
  });

  test('ping measures a round trip and poolStats reports the configured size', async () => {
    const { latencyMs } = await t.db.ping();
    assert.ok(latencyMs >= 0 && latencyMs < 5000);
    assert.equal(t.db.poolStats().max, 4);
    assert.equal(t.db.kind, 'external');
    assert.doesNotMatch(t.db.target, /:[0-9a-f]{64}@/);
  });
});

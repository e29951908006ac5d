import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tamperAuditLog } from '../../../test/helpers/audit-tamper.js';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { AuditRepository } from './audit.repository.js';
import { computeAuditHash } from './audit-chain.js';

let t: TestDatabase;
let audit: AuditRepository;

before(async () => {
  t = await createTestDatabase({ poolMax: 8 });
  audit = new AuditRepository(t.db);
});
after(() => t.drop());

describe('AuditRepository on PostgreSQL', () => {
  test('appends a gapless chain that verifies, and a rolled-back append leaves no trace', async () => {
    const first = await audit.appendEntry({
      actor: 'cli',
      action: 'user.created',
      target: 'user:1',
      details: { a: 1 },
    });
    assert.equal(first.seq, 1n);
    await assert.rejects(
      t.db.transaction('test.rollback', async (tx) => {
        await audit.append({ actor: 'u1', action: 'roll.imported', details: { created: 3 } }, tx);
        throw new Error('boom');
      }),
      /boom/,
    );
    const second = await audit.appendEntry({
      actor: 'u1',
      action: 'auth.login_failed',
      ip: '198.51.100.4',
      requestId: 'r-2',
      details: { at: new Date('2026-01-01T00:00:00Z'), nested: { z: [1.5, null, 'x\u0000'] } },
    });
    assert.equal(second.seq, 2n);
    assert.deepEqual(second.prevHash, first.hash);
    assert.ok(second.time >= first.time);
    const v = await audit.verify();
    assert.deepEqual(v, { ok: true, count: 2, head: second.hash.toString('hex') });
  });

  test('concurrent appends from many connections keep one chain', async () => {
    const before = (await audit.head())!.seq;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        audit.append({ actor: `user-${i}`, action: 'auth.login', details: { i } }),
      ),
    );
    const v = await audit.verify({ pageSize: 7 });
    assert.equal(v.ok, true);
    assert.equal(v.count, Number(before) + 40);
    const { rows } = await t.db.query<{ n: string; mx: string }>(
      'test.count',
      'SELECT count(DISTINCT seq) AS n, max(seq) AS mx FROM audit_log',
    );
    assert.equal(rows[0]!.n, rows[0]!.mx);
  });

  test('UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    for (const sql of [
      "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1",
      'UPDATE audit_log SET actor = actor WHERE false',
      'DELETE FROM audit_log WHERE seq = 2',
      'TRUNCATE audit_log',
    ]) {
      await assert.rejects(t.db.query('test.mutate', sql), /append-only/, sql);
    }
    assert.equal((await audit.verify()).ok, true);
  });

  test('filters and keyset paging', async () => {
    const all = await audit.list({ limit: 1000 });
    assert.deepEqual(
      all.map((e) => e.seq),
      all.map((_, i) => BigInt(i + 1)),
    );
    const logins = await audit.list({ actionPrefix: 'auth.', limit: 1000 });
    assert.ok(logins.length === 41 && logins.every((e) => e.action.startsWith('auth.')));
    assert.deepEqual(
      (await audit.list({ actor: 'user-7', limit: 10 })).map((e) => e.details),
      [{ i: 7 }],
    );
    assert.equal((await audit.list({ requestId: 'r-2', limit: 10 }))[0]!.seq, 2n);
    // '_' and '%' in a prefix are literal characters, not wildcards.
    assert.deepEqual(
      (await audit.list({ actionPrefix: 'auth.login_', limit: 10 })).map((e) => e.action),
      ['auth.login_failed'],
    );
    assert.equal((await audit.list({ actionPrefix: 'auth%', limit: 10 })).length, 0);
    assert.equal((await audit.list({ target: 'user:1', limit: 10 })).length, 1);
    const page1 = await audit.list({ limit: 10 });
    const page2 = await audit.list({ after: page1.at(-1)!.seq, limit: 10 });
    assert.equal(page2[0]!.seq, 11n);
    const newest = await audit.list({ order: 'desc', limit: 3 });
    assert.deepEqual(
      newest.map((e) => e.seq),
      [all.at(-1)!.seq, all.at(-2)!.seq, all.at(-3)!.seq],
    );
    const older = await audit.list({ before: newest.at(-1)!.seq, limit: 2 });
    assert.equal(older[0]!.seq, all.at(-4)!.seq);
    const future = await audit.list({ from: new Date(Date.now() + 3600_000), limit: 10 });
    assert.equal(future.length, 0);
    assert.equal((await audit.list({ to: new Date(Date.now() + 3600_000), limit: 1000 })).length, all.length);
  });

  test('a full rewrite (every later hash recomputed) is caught by a published anchor', async () => {
    const published = (await audit.head())!.hash;
    assert.deepEqual((await audit.verify({ anchors: [published] })).ok, true);
    // Rewrite entry 3 and rehash everything after it, as an attacker with superuser rights could.
    const all = await audit.list({ limit: 1000 });
    let prev = all[1]!.hash;
    const rewritten = all.slice(2).map((e, i) => {
      const base = { ...e, actor: i === 0 ? 'mallory' : e.actor, prevHash: prev };
      const next = { ...base, hash: computeAuditHash(base) };
      prev = next.hash;
      return next;
    });
    for (const e of rewritten) {
      await tamperAuditLog(
        t.db,
        'UPDATE audit_log SET actor = $2, prev_hash = $3, hash = $4 WHERE seq = $1',
        [e.seq.toString(), e.actor, e.prevHash, e.hash],
      );
    }
    assert.equal((await audit.verify()).ok, true, 'the chain itself is consistent again');
    const v = await audit.verify({ anchors: [published] });
    assert.ok(!v.ok && v.break.kind === 'ANCHOR_MISSING' && v.break.expected === published);
  });

  test('an edit made with triggers disabled is found at its seq', async () => {
    await tamperAuditLog(t.db, `UPDATE audit_log SET details = '{"a": 2}' WHERE seq = 1`);
    const v = await audit.verify();
    assert.equal(v.ok, false);
    if (v.ok) return;
    assert.equal(v.break.seq, 1n);
    assert.equal(v.break.kind, 'HASH_MISMATCH');
    assert.equal(v.count, 0);
  });

  test('refuses malformed actions (misuse)', async () => {
    await assert.rejects(audit.append({ actor: 'x', action: 'Login' }), /dotted lower-case/);
    await assert.rejects(audit.append({ actor: '', action: 'auth.login' }), /actor is required/);
  });
});

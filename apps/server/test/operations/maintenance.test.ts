/**
 * Maintenance mode and cache:clear across replicas (issue 7 "done when"): two servers started with
 * startServer on one database obey `electra maintenance on` within 5 s (503 MAINTENANCE with the
 * message and Retry-After on every route but health, metrics and GET /api/maintenance), record it
 * in the audit log, and serve again within 5 s of `electra maintenance off`; `electra cache:clear`
 * makes both drop the caches registered with them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ServerHandle, startServer } from '../../src/main.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { runElectra, waitFor } from '../helpers/run-electra.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let tdb: TestDatabase;
let dataDir: string;
const servers: ServerHandle[] = [];
let env: Record<string, string>;

before(async () => {
  tdb = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'electra-maint-'));
  env = {
    NODE_ENV: 'test',
    DATABASE_URL: tdb.url,
    ELECTRA_DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    DB_POOL_MAX: '3',
  };
  for (let i = 0; i < 2; i++) {
    servers.push(
      await startServer({ env, logger: captureLogger().logger, handleSignals: false, version: '7.7.7' }),
    );
  }
});
after(async () => {
  for (const s of servers) await s.close();
  await tdb?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const statusOf = async (s: ServerHandle, path: string) => (await fetch(`${s.url}${path}`)).status;

describe('maintenance mode across two replicas', () => {
  test('on: both replicas answer 503 MAINTENANCE within 5 s; health, metrics and the state stay up', async () => {
    for (const s of servers) assert.equal(await statusOf(s, '/.well-known/jwks.json'), 200);
    const on = await runElectra(env, [
      'maintenance',
      'on',
      '--message',
      'Back at 14:00 UTC',
      '--retry-after',
      '120',
    ]);
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /maintenance mode is ON/);
    for (const s of servers) {
      const ms = await waitFor(
        'replica in maintenance',
        5000,
        async () => (await statusOf(s, '/.well-known/jwks.json')) === 503,
      );
      assert.ok(ms <= 5000);
      const res = await fetch(`${s.url}/.well-known/jwks.json`);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '120');
      const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
      assert.equal(body.error.code, 'MAINTENANCE');
      assert.equal(body.error.message, 'Back at 14:00 UTC');
      assert.ok(body.error.requestId);
      // POSTs are refused the same way, before any body is parsed.
      const post = await fetch(`${s.url}/api/auth/login`, { method: 'POST', body: '{not json' });
      assert.equal(post.status, 503, await post.text());
      for (const p of ['/api/health/', '/api/health/live', '/api/health/ready', '/metrics'])
        assert.equal(await statusOf(s, p), 200, p);
      const state = (await (await fetch(`${s.url}/api/maintenance`)).json()) as Record<string, unknown>;
      assert.equal(state.enabled, true);
      assert.equal(state.message, 'Back at 14:00 UTC');
      assert.equal(typeof state.since, 'string');
    }
    const status = await runElectra(env, ['maintenance', 'status', '--json']);
    assert.equal(status.code, 0);
    assert.equal(JSON.parse(status.stdout).enabled, true);
  });

  test('off: both replicas serve again within 5 s; start and end are in the audit log', async () => {
    const off = await runElectra(env, ['maintenance', 'off']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /maintenance mode is OFF/);
    for (const s of servers) {
      await waitFor(
        'replica serving',
        5000,
        async () => (await statusOf(s, '/.well-known/jwks.json')) === 200,
      );
      const state = (await (await fetch(`${s.url}/api/maintenance`)).json()) as Record<string, unknown>;
      assert.equal(state.enabled, false);
    }
    const { rows } = await tdb.db.query<{ action: string; details: Record<string, unknown> }>(
      'test.audit',
      "SELECT action, details FROM audit_log WHERE action LIKE 'maintenance.%' ORDER BY seq",
    );
    assert.deepEqual(
      rows.map((r) => r.action),
      ['maintenance.started', 'maintenance.ended'],
    );
    assert.equal(rows[0]!.details.message, 'Back at 14:00 UTC');
    assert.deepEqual(rows[0]!.details.openElections, []);
    assert.equal(typeof rows[1]!.details.durationSeconds, 'number');
  });

  test('usage errors exit 2', async () => {
    assert.equal((await runElectra(env, ['maintenance', 'sideways'])).code, 2);
    assert.equal((await runElectra(env, ['maintenance', 'off', '--message', 'x'])).code, 2);
    assert.equal((await runElectra(env, ['maintenance', 'on', '--retry-after', '0'])).code, 2);
  });
});

describe('electra cache:clear', () => {
  test('every replica drops its registered caches within 5 s, and the clear is audited', async () => {
    const cleared = servers.map(() => 0);
    servers.forEach((s, i) => {
      s.caches.register('test.cache', () => {
        cleared[i]! += 1;
      });
    });
    assert.ok(servers[0]!.caches.names().includes('auth.key-ring'));
    const r = await runElectra(env, ['cache:clear', '--reason', 'runbook drill', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).epoch, 1);
    await waitFor('both replicas cleared', 5000, async () => cleared.every((c) => c === 1));
    const { rows } = await tdb.db.query<{ details: Record<string, unknown> }>(
      'test.audit',
      "SELECT details FROM audit_log WHERE action = 'cache.cleared'",
    );
    assert.deepEqual(rows[0]?.details, { epoch: 1, reason: 'runbook drill' });
  });
});

/**
 * The `electra` CLI as operators run it: real processes, real PostgreSQL (a fresh test database,
 * or the embedded server). Checks exit codes and what the runbook steps rely on: db:check's verdict,
 * concurrent migrate runs, finding a long pg_sleep with db:long-queries and killing it with
 * db:terminate.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { loadMigrations } from '../src/store/migrate.js';
import { type ProcessResult as Run, electraProcess as runElectraProcess } from './helpers/electra-process.js';
import { runElectra } from './helpers/run-electra.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

/** A real `electra` process (what operators run), with the test's environment only. */
function electraProcess(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const base = { ...process.env };
  for (const k of ['DATABASE_URL', 'ELECTRA_DATA_DIR', 'LOG_LEVEL', 'NODE_ENV', 'ELECTRA_ENV'])
    delete base[k];
  return runElectraProcess(args, { env: { ...base, ...env } });
}

/** The same dispatcher in this process (fast): output and environment through cliRuntime. */
const electra = (args: string[], env: Record<string, string | undefined>): Promise<Run> =>
  runElectra(env, args);

const dbs: TestDatabase[] = [];
after(async () => {
  for (const t of dbs) await t.drop();
});
async function fresh(migrate: boolean): Promise<TestDatabase> {
  const t = await createTestDatabase({ migrate });
  dbs.push(t);
  return t;
}

describe('electra CLI', () => {
  test('unknown commands and options are usage errors (exit 2) with a clear message', async () => {
    const unknown = await electraProcess(['db:chek'], {});
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "db:chek"\. Did you mean: db:check/);
    const flag = await electra(['db:check', '--no-such-flag'], {});
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Unknown option '--no-such-flag'/);
    const help = await electra(['--help'], {});
    assert.equal(help.code, 0);
    for (const name of ['migrate', 'db:check', 'db:activity', 'db:long-queries', 'db:terminate', 'version']) {
      assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'));
    }
  });

  test('db:check exits 0 on a healthy database and 1 when migrations are pending', async () => {
    const ok = await electra(['db:check'], { DATABASE_URL: (await fresh(true)).url });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^database {4}ok/m);
    assert.match(ok.stdout, /^healthy$/m);
    const pending = await electra(['db:check', '--json'], { DATABASE_URL: (await fresh(false)).url });
    assert.equal(pending.code, 1);
    const report = JSON.parse(pending.stdout) as { status: string; migrations: { status: string } };
    assert.equal(report.status, 'failed');
    assert.equal(report.migrations.status, 'pending');
  });

  test('db:check exits 1 with a clear message when the database is unreachable', async () => {
    const res = await electra(['db:check', '--timeout', '3s'], {
      DATABASE_URL: 'postgres://electra:hunter2secret@127.0.0.1:1/electra',
    });
    assert.equal(res.code, 1);
    assert.match(
      res.stdout,
      /database {4}FAILED {3}cannot reach postgres:\/\/electra:\*\*\*@127\.0\.0\.1:1\/electra: .*ECONNREFUSED/,
    );
    assert.doesNotMatch(res.stdout + res.stderr, /hunter2secret/);
  });

  test('three migrate runs at the same moment on one empty database all succeed, applying once', async () => {
    const t = await fresh(false);
    const runs = await Promise.all(
      [1, 2, 3].map(() =>
        electraProcess(['migrate', '--json'], { DATABASE_URL: t.url, LOG_LEVEL: 'silent' }),
      ),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    for (const r of runs) assert.match(r.stdout, /"applied"/, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    const shipped = await loadMigrations();
    const applied = runs.flatMap((r) => (JSON.parse(r.stdout) as { applied: string[] }).applied).sort();
    assert.deepEqual(
      applied,
      shipped.map((f) => f.name),
    );
    const count = await t.db.query<{ n: number }>(
      'count',
      'SELECT count(*)::int AS n FROM schema_migrations',
    );
    assert.equal(count.rows[0]?.n, shipped.length);
  });

  test('db:long-queries finds a long pg_sleep, db:terminate ends it, and refuses bad pids', async () => {
    const t = await fresh(true);
    const sleeper = new pg.Client({ connectionString: t.url, application_name: 'sleeper' });
    sleeper.on('error', () => undefined);
    await sleeper.connect();
    const pid = (await sleeper.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const sleeping = sleeper.query('SELECT pg_sleep(120) /* runaway report */').then(
      () => 'finished',
      (e: { code?: string }) => e.code,
    );
    try {
      await new Promise((r) => setTimeout(r, 1200));
      const env = { DATABASE_URL: t.url };
      const activity = await electra(['db:activity', '--json'], env);
      assert.equal(activity.code, 0, activity.stderr);
      const act = JSON.parse(activity.stdout) as {
        connections: { total: number };
        sessions: { pid: number }[];
      };
      assert.ok(act.sessions.some((s) => s.pid === pid));
      assert.ok(act.connections.total >= 2);

      const none = await electra(['db:long-queries', '--min', '1h'], env);
      assert.equal(none.code, 0);
      assert.match(none.stdout, /no queries running longer than 1h/);
      const long = await electra(['db:long-queries', '--min', '1s'], env);
      assert.equal(long.code, 0, long.stderr);
      assert.match(
        long.stdout,
        new RegExp(`^${pid} .*active .*pg_sleep\\(120\\) /\\* runaway report \\*/`, 'm'),
      );

      const killed = await electra(['db:terminate', String(pid)], env);
      assert.equal(killed.code, 0, killed.stderr);
      assert.match(killed.stdout, new RegExp(`terminated pid ${pid}`));
      assert.equal(await sleeping, '57P01'); // admin_shutdown: the session really ended

      const again = await electra(['db:terminate', String(pid), '--json'], env);
      assert.equal(again.code, 1);
      assert.equal((JSON.parse(again.stdout) as { outcome: string }).outcome, 'not-found');
      const bad = await electra(['db:terminate', '12ab'], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /pid must be a positive integer/);
    } finally {
      await sleeper.end().catch(() => undefined);
    }
  });

  test('works the same on the embedded database (no DATABASE_URL)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'electra-cli-'));
    try {
      const env = { ELECTRA_DATA_DIR: dataDir };
      const before = await electra(['db:check'], env);
      assert.equal(before.code, 1);
      assert.match(before.stdout, /\(embedded\)/);
      assert.match(before.stdout, /migrations {2}PENDING/);
      const migrated = await electra(['migrate'], env);
      assert.equal(migrated.code, 0, migrated.stderr);
      assert.match(migrated.stdout, /applied 0001_init\.sql/);
      const after = await electra(['db:check'], env);
      assert.equal(after.code, 0, after.stderr);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

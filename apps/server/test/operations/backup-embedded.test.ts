/**
 * The backup round trip on the embedded database (no DATABASE_URL: the CLI starts the embedded
 * PostgreSQL of ELECTRA_DATA_DIR itself), driven through the operator scripts the runbook names:
 * `scripts/db_backup.sh ENV NAME` and `scripts/db_restore.sh --latest ENV` with an env file. The
 * embedded server ships no pg_dump, so this is Electra's logical dump; a corrupted copy is refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openDatabase, type SqlDatabase } from '../../src/store/pg-database.js';
import { silentLogger } from '../../src/store/store-logger.js';
import { runElectra } from '../helpers/run-electra.js';

const REPO = resolve(fileURLToPath(import.meta.url), '../../../../..');
let dir: string;
let envFile: string;
let env: Record<string, string>;

function script(name: string, args: string[]) {
  const r = spawnSync(join(REPO, 'scripts', name), args, {
    cwd: REPO,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeout: 120_000,
  });
  const killed = r.status === null ? `\n(${name} did not finish: ${r.error ?? r.signal})` : '';
  return { code: r.status, stdout: r.stdout, stderr: `${r.stderr}${killed}` };
}

/** Runs `fn` on the embedded database (started for the call, stopped after). */
async function withEmbedded<T>(fn: (db: SqlDatabase) => Promise<T>): Promise<T> {
  const db = await openDatabase({
    dataDir: env.ELECTRA_DATA_DIR!,
    poolMax: 2,
    slowQueryMs: 10_000,
    logger: silentLogger,
    migrateOnStart: false,
  });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const epoch = () =>
  withEmbedded(async (db) => {
    const { rows } = await db.query<{ value: { epoch: number } }>(
      'test.epoch',
      "SELECT value FROM settings WHERE key = 'cache.epoch'",
    );
    return rows[0]?.value.epoch;
  });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'electra-embedded-backup-'));
  await chmod(dir, 0o711); // as root the embedded server runs as "postgres", which must enter it
  env = {
    NODE_ENV: 'development',
    ELECTRA_DATA_DIR: join(dir, 'data'),
    ELECTRA_BACKUP_DIR: join(dir, 'backups'),
    LOG_LEVEL: 'warn',
  };
  envFile = join(dir, 'local.env');
  await writeFile(
    envFile,
    `${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
  const migrated = await runElectra(env, ['migrate']);
  assert.equal(migrated.code, 0, migrated.stderr);
  await withEmbedded((db) =>
    db.query('test.user', "INSERT INTO users (email, full_name) VALUES ('ada@example.org', 'Ada')"),
  );
  assert.equal((await runElectra(env, ['cache:clear'])).code, 0);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('embedded database: db_backup.sh, a later change, db_restore.sh --latest brings the backup back', async () => {
  const b = script('db_backup.sh', ['--env-file', envFile, '--json', 'local', 'first']);
  assert.equal(b.code, 0, b.stderr);
  const manifest = JSON.parse(b.stdout);
  assert.equal(manifest.format, 'electra-logical');
  assert.equal(manifest.database.kind, 'embedded');
  assert.equal(manifest.tableRows.users, 1);
  assert.equal(await epoch(), 1);

  assert.equal((await runElectra(env, ['cache:clear'])).code, 0);
  await withEmbedded((db) =>
    db.query('test.user', "INSERT INTO users (email, full_name) VALUES ('bob@example.org', 'Bob')"),
  );
  assert.equal(await epoch(), 2);

  const r = script('db_restore.sh', ['--env-file', envFile, '--yes', '--latest', 'local']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /restored first \(electra-logical\) into database electra/);
  assert.equal(await epoch(), 1);
  const state = await withEmbedded(async (db) => ({
    users: (await db.query<{ email: string }>('test.users', 'SELECT email FROM users ORDER BY email')).rows,
    actions: (
      await db.query<{ action: string }>(
        'test.audit',
        "SELECT action FROM audit_log WHERE action IN ('cache.cleared', 'backup.restored') ORDER BY seq",
      )
    ).rows.map((x) => x.action),
    migrations: await db.migrationStatus(),
  }));
  assert.deepEqual(state.users, [{ email: 'ada@example.org' }]);
  assert.deepEqual(state.actions, ['cache.cleared', 'backup.restored']);
  assert.deepEqual(state.migrations.pending, []);
});

test('embedded database: a corrupted backup is refused by db_restore.sh with exit 1', async () => {
  const payload = join(dir, 'backups', 'first.dump');
  const bytes = await readFile(payload);
  bytes[bytes.length - 10]! ^= 0x01;
  await writeFile(payload, bytes);
  const r = script('db_restore.sh', ['--env-file', envFile, '--yes', 'local', payload]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /checksum mismatch/);
});

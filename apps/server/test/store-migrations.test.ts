/**
 * Migrations on a real PostgreSQL (embedded, or TEST_DATABASE_URL in CI): they apply and are recorded
 * with checksums, a changed file is refused, and replicas migrating the same empty database at the
 * same moment all succeed with the migrations applied exactly once (advisory lock).
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadMigrations, MigrationError } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/pg-database.js';
import { silentLogger } from '../src/store/store-logger.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const MIGRATIONS = fileURLToPath(new URL('../src/store/migrations/', import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function fresh(migrate: boolean): Promise<TestDatabase> {
  const t = await createTestDatabase({ migrate });
  cleanups.push(t.drop);
  return t;
}

function openOn(url: string, migrationsDir?: string) {
  return openDatabase({
    url,
    dataDir: tmpdir(),
    poolMax: 2,
    slowQueryMs: 10_000,
    logger: silentLogger,
    migrateOnStart: true,
    migrationsDir,
  });
}

describe('migrations', () => {
  test('apply in order, are recorded with checksums, and create the settings table', async () => {
    const shipped = await loadMigrations();
    const { db } = await fresh(true);
    assert.deepEqual(await db.migrationStatus(), {
      current: shipped.length,
      expected: shipped.length,
      pending: [],
    });
    const rows = await db.query<{ version: number; name: string; checksum: string }>(
      'test.applied',
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    assert.deepEqual(
      rows.rows,
      shipped.map((f) => ({ version: f.version, name: f.name, checksum: f.checksum })),
    );
    await db.query(
      'test.settings',
      `INSERT INTO settings (key, value) VALUES ('maintenance', '{"on": true}')`,
    );
    const got = await db.query<{ value: unknown }>('test.settings.read', 'SELECT value FROM settings');
    assert.deepEqual(got.rows, [{ value: { on: true } }]);
    // A second run is a no-op.
    assert.deepEqual((await db.migrate()).applied, []);
  });

  test('an empty database reports every migration as pending', async () => {
    const shipped = await loadMigrations();
    const { db } = await fresh(false);
    assert.deepEqual(await db.migrationStatus(), {
      current: 0,
      expected: shipped.length,
      pending: shipped.map((f) => f.name),
    });
  });

  test('a migration file changed after it was applied is refused', async () => {
    const { url, db } = await fresh(true);
    const dir = await mkdtemp(join(tmpdir(), 'electra-mig-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(MIGRATIONS, dir, { recursive: true });
    const first = join(dir, '0001_init.sql');
    await writeFile(first, `${await readFile(first, 'utf8')}\n-- edited afterwards\n`);
    await assert.rejects(openOn(url, dir), (e: unknown) => {
      assert.ok(e instanceof MigrationError);
      assert.equal(e.code, 'MIGRATION_CHECKSUM_MISMATCH');
      assert.match(e.message, /0001_init\.sql was changed after it was applied/);
      return true;
    });
    // The status used by health and db:check refuses it too.
    const edited = await openDatabase({
      url,
      dataDir: tmpdir(),
      poolMax: 1,
      slowQueryMs: 10_000,
      logger: silentLogger,
      migrateOnStart: false,
      migrationsDir: dir,
    });
    cleanups.push(() => edited.close());
    await assert.rejects(edited.migrationStatus(), { code: 'MIGRATION_CHECKSUM_MISMATCH' });
    // The untouched files are still accepted.
    assert.deepEqual((await db.migrationStatus()).pending, []);
  });

  test('a gap or a bad file name in the migrations directory is rejected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'electra-mig-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, '0001_a.sql'), 'SELECT 1;');
    await writeFile(join(dir, '0003_c.sql'), 'SELECT 1;');
    await assert.rejects(loadMigrations(dir), { code: 'MIGRATIONS_INVALID', message: /0003_c\.sql/ });
    await rm(join(dir, '0003_c.sql'));
    await writeFile(join(dir, '2_b.sql'), 'SELECT 1;');
    await assert.rejects(loadMigrations(dir), { code: 'MIGRATIONS_INVALID', message: /2_b\.sql/ });
  });

  test('a failing migration is rolled back and leaves nothing behind', async () => {
    const { url, db } = await fresh(false);
    const dir = await mkdtemp(join(tmpdir(), 'electra-mig-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(MIGRATIONS, dir, { recursive: true });
    const next = String((await loadMigrations()).length + 1).padStart(4, '0');
    await writeFile(
      join(dir, `${next}_broken.sql`),
      'CREATE TABLE half_done (id int);\nSELECT no_such_function();',
    );
    await assert.rejects(openOn(url, dir), {
      code: 'MIGRATION_FAILED',
      message: new RegExp(`${next}_broken`),
    });
    const left = await db.query('test.half', `SELECT to_regclass('half_done') IS NULL AS gone`);
    assert.deepEqual(left.rows, [{ gone: true }]);
  });

  test('three replicas migrating one empty database at the same moment all succeed, applying once', async () => {
    const shipped = await loadMigrations();
    const { url, db } = await fresh(false);
    const replicas = await Promise.all([openOn(url), openOn(url), openOn(url)]);
    cleanups.push(() => Promise.all(replicas.map((r) => r.close())));
    for (const r of replicas) assert.equal((await r.migrationStatus()).current, shipped.length);
    const count = await db.query<{ n: number }>(
      'test.count',
      'SELECT count(*)::int AS n FROM schema_migrations',
    );
    assert.deepEqual(count.rows, [{ n: shipped.length }]);
  });
});

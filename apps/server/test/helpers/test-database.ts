/**
 * A fresh, migrated database per call, for every integration test of the server (storage, HTTP,
 * identity, elections). With TEST_DATABASE_URL (CI) the databases are created on that PostgreSQL
 * server; without it, on one embedded PostgreSQL per test process, started lazily in a temporary
 * directory. Each call makes a new database `electra_test_<random>`; `drop()` removes it, and
 * anything a test forgot is dropped (and the embedded server stopped, its directory removed) when the
 * process is about to exit, so runs never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { acquireEmbeddedPostgres, type EmbeddedCluster } from '../../src/store/embedded.js';
import { type OpenDatabaseOptions, openDatabase, type SqlDatabase } from '../../src/store/pg-database.js';
import { type StoreLogger, silentLogger } from '../../src/store/store-logger.js';

export interface TestDatabase {
  /** Connection URL of the new database (includes the password on the embedded server). */
  url: string;
  /** Database name, `electra_test_<hex>`. */
  name: string;
  /** Pool on the database, migrated unless `migrate: false`. */
  db: SqlDatabase;
  /** Close the pool and drop the database. Idempotent. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply the migrations (default true). `false` leaves an empty database. */
  migrate?: boolean;
  logger?: StoreLogger;
  slowQueryMs?: number;
  poolMax?: number;
}

let embedded: Promise<{ cluster: EmbeddedCluster; dir: string }> | undefined;
let embeddedNow: { cluster: EmbeddedCluster; dir: string } | undefined;
const live = new Set<string>();
let cleanupHooked = false;

/** Admin URL of the server the test databases live on (TEST_DATABASE_URL's server, or the embedded one). */
export async function testServerUrl(database = 'postgres'): Promise<string> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    const u = new URL(external);
    u.pathname = `/${database}`;
    return u.toString();
  }
  hookCleanup();
  embedded ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'electra-test-'));
    const cluster = await acquireEmbeddedPostgres({ dataDir: dir, logger: silentLogger });
    embeddedNow = { cluster, dir };
    return embeddedNow;
  })();
  return (await embedded).cluster.url(database);
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const base = process.env.TEST_DATABASE_URL ?? (await testServerUrl('postgres'));
  const client = new pg.Client({ connectionString: base, application_name: 'electra-test-admin' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
  live.delete(name);
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = `electra_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  live.add(name);
  hookCleanup();
  const url = await testServerUrl(name);
  const dbOptions: OpenDatabaseOptions = {
    url,
    dataDir: tmpdir(),
    poolMax: options.poolMax ?? 5,
    slowQueryMs: options.slowQueryMs ?? 10_000,
    logger: options.logger ?? silentLogger,
    migrateOnStart: options.migrate ?? true,
    strictNesting: true,
  };
  let db: SqlDatabase;
  try {
    db = await openDatabase(dbOptions);
  } catch (e) {
    await dropDatabase(name);
    throw e;
  }
  let dropped: Promise<void> | undefined;
  return {
    url,
    name,
    db,
    drop: () => {
      dropped ??= db.close().finally(() => dropDatabase(name));
      return dropped;
    },
  };
}

/**
 * On the way out: drop forgotten databases, then stop the embedded server and delete its directory.
 * `beforeExit` allows async work; `exit` is the last resort when something called process.exit().
 */
function hookCleanup(): void {
  if (cleanupHooked) return;
  cleanupHooked = true;
  let done = false;
  process.on('beforeExit', async () => {
    if (done) return;
    done = true;
    for (const name of [...live]) await dropDatabase(name).catch(() => undefined);
    if (embedded) {
      const { cluster, dir } = await embedded;
      await cluster.release();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  process.on('exit', () => {
    if (done || !embeddedNow?.cluster.pid) return;
    try {
      process.kill(embeddedNow.cluster.pid, 'SIGQUIT'); // immediate shutdown: nothing here is worth keeping
    } catch {
      // already gone
    }
  });
}

/**
 * The embedded PostgreSQL keeps its promises (ARCHITECTURE §6): durability settings on, credentials
 * random and private, a second process attaches instead of fighting over the data directory, and
 * committed rows survive a SIGKILL of Electra (orphaned server) and of the server itself (crash
 * recovery), with Electra starting again each time.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { processAlive, readPostmasterPid } from '../src/store/embedded-support.js';
import { openDatabase, type SqlDatabase } from '../src/store/pg-database.js';
import { silentLogger } from '../src/store/store-logger.js';

const WRITER = fileURLToPath(new URL('./fixtures/embedded-writer.ts', import.meta.url));

function open(dataDir: string): Promise<SqlDatabase> {
  return openDatabase({
    dataDir,
    poolMax: 2,
    slowQueryMs: 10_000,
    logger: silentLogger,
    migrateOnStart: false,
  });
}

/** Start the writer child and resolve once it has committed `rows` rows. */
function startWriter(dataDir: string, rows: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=electra-source', '--import', 'tsx', WRITER, dataDir, `${rows}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('READY')) resolve(child);
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('exit', (code) => reject(new Error(`writer exited (${code}) before READY: ${out}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function count(db: SqlDatabase): Promise<number> {
  const res = await db.query<{ n: number }>('crash.count', 'SELECT count(*)::int AS n FROM crash_rows');
  return res.rows[0]!.n;
}

describe('embedded PostgreSQL', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'electra-embedded-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  test('runs durably: fsync, synchronous_commit and full_page_writes are on', async () => {
    const db = await open(dataDir);
    try {
      assert.equal(db.kind, 'embedded');
      for (const setting of ['fsync', 'synchronous_commit', 'full_page_writes']) {
        const res = await db.query<Record<string, string>>('show', `SHOW ${setting}`);
        assert.equal(res.rows[0]?.[setting], 'on', setting);
      }
      const listen = await db.query<{ listen_addresses: string }>('show', 'SHOW listen_addresses');
      assert.equal(listen.rows[0]?.listen_addresses, '127.0.0.1');
    } finally {
      await db.close();
    }
    const credsFile = join(dataDir, 'embedded-postgres.json');
    assert.equal((await stat(credsFile)).mode & 0o777, 0o600);
    const creds = JSON.parse(await readFile(credsFile, 'utf8')) as { password: string };
    assert.match(creds.password, /^[0-9a-f]{64}$/);
    assert.equal(await readPostmasterPid(join(dataDir, 'pg')), undefined, 'stopped on close');
  });

  test('a second process attaches to the running server instead of starting another', async () => {
    const writer = await startWriter(dataDir, 5);
    try {
      const guest = await open(dataDir);
      assert.equal(await count(guest), 5);
      await guest.close();
      const info = await readPostmasterPid(join(dataDir, 'pg'));
      assert.ok(info && processAlive(info.pid), 'the owner keeps its server running');
    } finally {
      await killed(writer);
    }
  });

  test('committed rows survive a SIGKILL of Electra, and Electra starts again', async () => {
    const pgDir = join(dataDir, 'pg');
    const writer = await startWriter(dataDir, 20);
    const orphan = (await readPostmasterPid(pgDir))!.pid;
    await killed(writer);
    assert.ok(processAlive(orphan), 'the server outlived its owner');
    const db = await open(dataDir);
    try {
      assert.equal(await count(db), 5 + 20); // 5 from the previous writer, 20 from this one
      assert.ok(!processAlive(orphan), 'the orphaned server was replaced');
    } finally {
      await db.close();
    }
  });

  test('committed rows survive a SIGKILL of Electra and of PostgreSQL itself (crash recovery)', async () => {
    const pgDir = join(dataDir, 'pg');
    const writer = await startWriter(dataDir, 30);
    const postmaster = (await readPostmasterPid(pgDir))!.pid;
    process.kill(postmaster, 'SIGKILL');
    await killed(writer);
    const db = await open(dataDir);
    try {
      assert.equal(await count(db), 5 + 20 + 30);
    } finally {
      await db.close();
    }
  });
});

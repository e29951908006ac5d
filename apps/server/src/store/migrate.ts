/**
 * Forward-only SQL migrations, the same files for the embedded and the external PostgreSQL.
 * Files live next to this module (`migrations/NNNN_name.sql`, copied to `dist` by the build), are
 * applied in order, each inside its own transaction, and recorded in `schema_migrations` with a
 * SHA-256 checksum so a file edited after it ran is refused instead of silently diverging.
 * The whole run holds a PostgreSQL advisory lock: replicas that start at the same moment against one
 * empty database queue on the lock, and the later ones find everything applied and carry on.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { MigrationStatus } from './database.js';

export interface MigrationFile {
  version: number;
  /** File name without directory, e.g. `0001_init.sql`. */
  name: string;
  sql: string;
  /** Hex SHA-256 of the file with LF line endings. */
  checksum: string;
}

export type MigrationErrorCode =
  | 'MIGRATIONS_NOT_FOUND'
  | 'MIGRATIONS_INVALID'
  | 'MIGRATION_CHECKSUM_MISMATCH'
  | 'MIGRATION_FAILED';

/** A problem that must stop the server from starting (or make health fail). */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface MigrateLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface MigrateResult {
  /** File names applied by this call (empty when the database was already current). */
  applied: string[];
  current: number;
  expected: number;
}

/** 'Electra' in ASCII: one fixed key shared by every Electra process on a database. */
export const MIGRATION_LOCK_KEY = '19540956109107809';
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const DEFAULT_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/** Read and validate the shipped migrations: names NNNN_snake.sql numbered 1..N without gaps. */
export async function loadMigrations(dir: string = DEFAULT_DIR): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new MigrationError(
      'MIGRATIONS_NOT_FOUND',
      `migrations directory ${dir} is missing (a build must copy src/store/migrations; run npm run build)`,
      { cause },
    );
  }
  const files: MigrationFile[] = [];
  for (const name of names.filter((n) => n.endsWith('.sql')).sort()) {
    const m = FILE_PATTERN.exec(name);
    if (!m) {
      throw new MigrationError(
        'MIGRATIONS_INVALID',
        `migration file name ${name} is not NNNN_lower_snake.sql`,
      );
    }
    const sql = await readFile(`${dir}/${name}`, 'utf8');
    files.push({ version: Number(m[1]), name, sql, checksum: checksumOf(sql) });
  }
  files.forEach((f, i) => {
    if (f.version !== i + 1) {
      throw new MigrationError(
        'MIGRATIONS_INVALID',
        `migration ${f.name} breaks the sequence: expected number ${String(i + 1).padStart(4, '0')}`,
      );
    }
  });
  if (files.length === 0) throw new MigrationError('MIGRATIONS_NOT_FOUND', `no migrations in ${dir}`);
  return files;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Runs one parameterless statement and returns its rows (a pg client, or a Queryable adapter). */
export type RowsOf = (sql: string) => Promise<Record<string, unknown>[]>;

async function readApplied(rowsOf: RowsOf): Promise<AppliedRow[]> {
  const exists = await rowsOf(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if (exists[0]?.present !== true) return [];
  const rows = await rowsOf('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
  return rows.map((r) => ({
    version: Number(r.version),
    name: String(r.name),
    checksum: String(r.checksum),
  }));
}

/** Throws MIGRATION_CHECKSUM_MISMATCH when an applied file was changed afterwards. */
function checkApplied(applied: AppliedRow[], shipped: MigrationFile[]): void {
  const byVersion = new Map(shipped.map((f) => [f.version, f]));
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (file && file.checksum !== row.checksum) {
      throw new MigrationError(
        'MIGRATION_CHECKSUM_MISMATCH',
        `migration ${file.name} was changed after it was applied (database checksum ${row.checksum.slice(0, 12)}…, ` +
          `file ${file.checksum.slice(0, 12)}…): restore the original file and put the change in a new migration`,
      );
    }
  }
}

function statusOf(applied: AppliedRow[], shipped: MigrationFile[]): MigrationStatus {
  const done = new Set(applied.map((r) => r.version));
  return {
    current: applied.reduce((max, r) => Math.max(max, r.version), 0),
    expected: shipped.length,
    pending: shipped.filter((f) => !done.has(f.version)).map((f) => f.name),
  };
}

/** Applied vs shipped migrations; throws MigrationError if an applied file changed. */
export async function readMigrationStatus(
  rowsOf: RowsOf,
  shipped: MigrationFile[],
): Promise<MigrationStatus> {
  const applied = await readApplied(rowsOf);
  checkApplied(applied, shipped);
  return statusOf(applied, shipped);
}

/**
 * Apply every pending migration under the advisory lock. `client` must be a dedicated session
 * (the lock is session-level); the caller should discard it afterwards.
 */
export async function applyMigrations(
  client: pg.ClientBase,
  shipped: MigrationFile[],
  logger: MigrateLogger,
  lockTimeoutMs = 300_000,
): Promise<MigrateResult> {
  await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${lockTimeoutMs}ms`]);
  const waitStart = Date.now();
  await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
  try {
    await client.query(`SELECT set_config('lock_timeout', '0', false)`);
    const rowsOf: RowsOf = async (sql) => (await client.query(sql)).rows;
    const applied = await readApplied(rowsOf);
    checkApplied(applied, shipped);
    const done = new Set(applied.map((r) => r.version));
    const maxApplied = applied.reduce((max, r) => Math.max(max, r.version), 0);
    if (maxApplied > shipped.length) {
      logger.warn(
        { current: maxApplied, expected: shipped.length },
        'database has migrations newer than this build; running anyway',
      );
    }
    const newlyApplied: string[] = [];
    for (const file of shipped) {
      if (done.has(file.version)) continue;
      const started = Date.now();
      try {
        await client.query('BEGIN');
        await client.query(file.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)',
          [file.version, file.name, file.checksum, Date.now() - started],
        );
        await client.query('COMMIT');
      } catch (cause) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new MigrationError(
          'MIGRATION_FAILED',
          `migration ${file.name} failed and was rolled back: ${(cause as Error).message}`,
          { cause },
        );
      }
      newlyApplied.push(file.name);
      logger.info({ migration: file.name, durationMs: Date.now() - started }, 'migration applied');
    }
    const status = statusOf(await readApplied(rowsOf), shipped);
    if (newlyApplied.length === 0) {
      logger.info(
        { current: status.current, lockWaitMs: Date.now() - waitStart },
        'migrations already current',
      );
    }
    return { applied: newlyApplied, current: status.current, expected: status.expected };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
  }
}

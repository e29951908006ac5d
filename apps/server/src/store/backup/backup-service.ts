/**
 * `electra db:backup` and `electra db:restore` (docs/operations/backup-restore.md, ADR 0005).
 *
 * Backup: pg_dump -Fc when a pg_dump at least as new as the server is installed (external
 * PostgreSQL), otherwise Electra's logical dump (the embedded server); optional AES-256-GCM; every
 * file written under a temporary name, fsynced, then renamed, the manifest last; the success time is
 * recorded in `settings` so every replica exports electra_backup_last_success_timestamp_seconds.
 *
 * Restore: the checksum is verified first (a damaged file is refused before anything changes), the
 * schema version must not be newer than this build, a safety backup of the current database is
 * taken, the backup is loaded into a FRESH database next to the current one, migrated, checked
 * (SELECT 1, migrations current, board heads equal to the manifest, the election verifier), and only
 * then swapped in by renaming the databases. The previous database is kept, renamed, until an
 * operator drops it. Any failure before the swap leaves the current database untouched.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import pg from 'pg';
import { AuditRepository } from '../../domain/audit/audit.repository.js';
import { applyMigrations, type MigrationFile } from '../migrate.js';
import type { StoreLogger } from '../store-logger.js';
import { decryptFile, encryptFile, sha256File } from './backup-crypto.js';
import {
  BackupError,
  type BackupFormat,
  type BackupManifest,
  type BoardHeadEntry,
  MANIFEST_VERSION,
  manifestPathFor,
  NAME_PATTERN,
  readManifest,
} from './backup-manifest.js';
import { compareBoardHeads, readBoardHeads } from './board-heads.js';
import { loadLogicalDump, readLogicalHeader, writeLogicalDump } from './logical-dump.js';
import { parsePgUrl, pgDump, pgDumpMajor, pgRestore, pgRestoreList, withDatabase } from './pg-dump.js';

export type FormatChoice = 'auto' | 'pg_dump' | 'logical';

export interface BackupTarget {
  /** Connection URL of the Electra database (with its password). */
  url: string;
  kind: 'embedded' | 'external';
}

export interface CreateBackupOptions extends BackupTarget {
  dir: string;
  name?: string;
  format?: FormatChoice;
  encryptionKey?: Buffer;
  appVersion: string;
  /** Audit actor. */
  actor?: string;
  logger: StoreLogger;
  now?: () => Date;
}

export interface CreatedBackup {
  manifest: BackupManifest;
  manifestPath: string;
  payloadPath: string;
}

const q = pg.escapeIdentifier;

export function timestampName(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'electra-backup' });
  await client.connect();
  return client;
}

async function schemaVersionOf(client: pg.ClientBase): Promise<number> {
  const t = await client.query<{ ok: boolean }>(
    "SELECT to_regclass('public.schema_migrations') IS NOT NULL AS ok",
  );
  if (!t.rows[0]?.ok) return 0;
  const { rows } = await client.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM schema_migrations',
  );
  return rows[0]?.v ?? 0;
}

async function fsyncPath(path: string, flags = 'r'): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `text` to `path` atomically (temporary name, fsync, rename). */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
  await writeFile(tmp, text, { mode: 0o600 });
  await fsyncPath(tmp);
  await rename(tmp, path);
}

async function chooseFormat(
  choice: FormatChoice,
  target: BackupTarget,
  serverMajor: number,
): Promise<BackupFormat> {
  if (choice === 'logical') return 'electra-logical';
  const major = await pgDumpMajor();
  const usable = major !== undefined && major >= serverMajor;
  if (choice === 'pg_dump') {
    if (!usable)
      throw new Error(
        major === undefined
          ? 'pg_dump is not installed (Debian: postgresql-client); use --format logical'
          : `pg_dump ${major} cannot dump a PostgreSQL ${serverMajor} server; install postgresql-client-${serverMajor} or use --format logical`,
      );
    return 'pg_dump';
  }
  return target.kind === 'external' && usable ? 'pg_dump' : 'electra-logical';
}

export async function createBackup(o: CreateBackupOptions): Promise<CreatedBackup> {
  const now = o.now ?? (() => new Date());
  const started = now();
  const name = o.name ?? `backup-${timestampName(started)}`;
  if (!NAME_PATTERN.test(name))
    throw new RangeError(
      'a backup name uses letters, digits, dot, dash and underscore (at most 121 characters)',
    );
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  const manifestPath = manifestPathFor(o.dir, name);
  if (await exists(manifestPath))
    throw new BackupError('BACKUP_EXISTS', `a backup named ${name} already exists in ${o.dir}`);

  const client = await connect(o.url);
  const tmpFiles: string[] = [];
  try {
    const serverVersion = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v"))
      .rows[0]!.v;
    const serverMajor = Number(
      (
        await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")
      ).rows[0]!.v.slice(0, -4),
    );
    const schemaVersion = await schemaVersionOf(client);
    const boardHeads: BoardHeadEntry[] = await readBoardHeads(client);
    const format = await chooseFormat(o.format ?? 'auto', o, serverMajor);
    const rand = randomBytes(4).toString('hex');
    const plain = join(o.dir, `.${name}.dump.tmp-${rand}`);
    tmpFiles.push(plain);
    let tableRows: Record<string, number> | undefined;
    if (format === 'pg_dump') await pgDump(o.url, plain);
    else
      tableRows = (
        await writeLogicalDump(client, plain, {
          schemaVersion,
          appVersion: o.appVersion,
          createdAt: started.toISOString(),
        })
      ).tableRows;
    let stored = plain;
    if (o.encryptionKey) {
      stored = join(o.dir, `.${name}.dump.enc.tmp-${rand}`);
      tmpFiles.push(stored);
      await encryptFile(plain, stored, o.encryptionKey);
    }
    await fsyncPath(stored);
    const { sha256, sizeBytes } = await sha256File(stored);
    const file = `${name}.dump${o.encryptionKey ? '.enc' : ''}`;
    const payloadPath = join(o.dir, file);
    await rename(stored, payloadPath);
    await writeAtomic(join(o.dir, `${file}.sha256`), `${sha256}  ${file}\n`);
    const manifest: BackupManifest = {
      manifestVersion: MANIFEST_VERSION,
      name,
      file,
      format,
      encrypted: Boolean(o.encryptionKey),
      sha256,
      sizeBytes,
      createdAt: started.toISOString(),
      durationMs: now().getTime() - started.getTime(),
      appVersion: o.appVersion,
      schemaVersion,
      database: { kind: o.kind, name: parsePgUrl(o.url).database, serverVersion },
      boardHeads,
      ...(tableRows ? { tableRows } : {}),
    };
    await writeAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    await fsyncPath(o.dir).catch(() => undefined);
    await recordSuccess(client, manifest, o.actor ?? 'cli');
    o.logger.info({ backup: name, format, sizeBytes, durationMs: manifest.durationMs }, 'backup written');
    return { manifest, manifestPath, payloadPath };
  } finally {
    await client.end().catch(() => undefined);
    for (const f of tmpFiles) await unlink(f).catch(() => undefined);
  }
}

/** settings `backup.last_success` (the metric) and an audit entry, when the schema has them. */
async function recordSuccess(client: pg.ClientBase, m: BackupManifest, actor: string): Promise<void> {
  const t = await client.query<{ s: boolean; a: boolean }>(
    "SELECT to_regclass('public.settings') IS NOT NULL AS s, to_regclass('public.audit_log') IS NOT NULL AS a",
  );
  if (t.rows[0]?.s)
    await client.query(
      `INSERT INTO settings (key, value, updated_at) VALUES ('backup.last_success', $1::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [
        JSON.stringify({
          at: new Date().toISOString(),
          name: m.name,
          sha256: m.sha256,
          sizeBytes: m.sizeBytes,
        }),
      ],
    );
  if (t.rows[0]?.a) {
    await new AuditRepository(clientDatabase(client)).append({
      actor,
      action: 'backup.created',
      target: `backup:${m.name}`,
      details: {
        format: m.format,
        encrypted: m.encrypted,
        sha256: m.sha256,
        sizeBytes: m.sizeBytes,
        schemaVersion: m.schemaVersion,
      },
    });
  }
}

/** The Database contract over one client (enough for AuditRepository.append). */
function clientDatabase(client: pg.ClientBase) {
  const query = async <R extends Record<string, unknown>>(
    _n: string,
    sql: string,
    params?: readonly unknown[],
  ) => {
    const r = await client.query<R>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  };
  return {
    kind: 'external' as const,
    query,
    async transaction<T>(_name: string, fn: (tx: { query: typeof query }) => Promise<T>): Promise<T> {
      await client.query('BEGIN');
      try {
        const r = await fn({ query });
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    },
    ping: async () => ({ latencyMs: 0 }),
    migrationStatus: async () => ({ current: 0, expected: 0, pending: [] }),
    poolStats: () => ({ total: 1, idle: 0, waiting: 0, max: 1 }),
    close: async () => undefined,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}

export interface VerifyOutcome {
  electionId: string;
  valid: boolean;
  detail: string;
}

export interface RestoreOptions extends BackupTarget {
  manifestPath: string;
  /** Where the safety backup goes. */
  dir: string;
  encryptionKey?: Buffer;
  appVersion: string;
  shipped: MigrationFile[];
  logger: StoreLogger;
  /** Take a backup of the current database first (default true). */
  safetyBackup?: boolean;
  /** Runs the election verifier on the fresh database (before the swap); absent: heads only. */
  verify?: (freshUrl: string, electionIds: string[]) => Promise<VerifyOutcome[]>;
  now?: () => Date;
}

export interface RestoreReport {
  restored: string;
  format: BackupFormat;
  database: string;
  previousDatabase: string | null;
  safetyBackup: string | null;
  schemaVersion: { backup: number; now: number };
  boardHeads: number;
  verified: VerifyOutcome[];
  durationMs: number;
}

/** Checksum, schema version and format checks: everything that can refuse a file before any change. */
export async function checkBackupFile(
  manifestPath: string,
  shipped: MigrationFile[],
): Promise<{ manifest: BackupManifest; payloadPath: string }> {
  const manifest = await readManifest(manifestPath);
  const payloadPath = join(dirname(manifestPath), manifest.file);
  if (!(await exists(payloadPath)))
    throw new BackupError(
      'BACKUP_NOT_FOUND',
      `the backup file ${payloadPath} named by ${manifestPath} is missing`,
    );
  const { sha256 } = await sha256File(payloadPath);
  if (sha256 !== manifest.sha256)
    throw new BackupError(
      'BACKUP_CORRUPTED',
      `checksum mismatch for ${payloadPath}: the manifest says ${manifest.sha256}, the file has ${sha256}; the file is damaged — nothing was changed, use another backup`,
    );
  const known = shipped.length;
  if (manifest.schemaVersion > known)
    throw new BackupError(
      'BACKUP_INCOMPATIBLE',
      `the backup has schema version ${manifest.schemaVersion}, newer than this build knows (${known}); restore it with Electra ${manifest.appVersion} or later — nothing was changed`,
    );
  return { manifest, payloadPath };
}

export async function restoreBackup(o: RestoreOptions): Promise<RestoreReport> {
  const now = o.now ?? (() => new Date());
  const started = now();
  const { manifest, payloadPath } = await checkBackupFile(o.manifestPath, o.shipped);
  if (manifest.encrypted && !o.encryptionKey)
    throw new BackupError(
      'BACKUP_KEY_MISSING',
      `${payloadPath} is encrypted: set ELECTRA_BACKUP_ENCRYPTION_KEY`,
    );
  const ts = timestampName(started)
    .replace(/[^0-9]/g, '')
    .slice(0, 14);
  const target = parsePgUrl(o.url).database;
  const fresh = `${target.slice(0, 40)}_restore_${ts}`;
  const previous = `${target.slice(0, 36)}_pre_restore_${ts}`;
  const adminUrl = withDatabase(o.url, 'postgres');
  const freshUrl = withDatabase(o.url, fresh);
  const tmp = join(o.dir, `.restore-${ts}-${randomBytes(4).toString('hex')}`);
  let plain = payloadPath;
  let created = false;
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  try {
    if (manifest.encrypted) {
      plain = tmp;
      await decryptFile(payloadPath, tmp, o.encryptionKey!);
    }
    if (manifest.format === 'electra-logical') {
      const header = await readLogicalHeader(plain);
      if (header.schemaVersion !== manifest.schemaVersion)
        throw new BackupError(
          'BACKUP_CORRUPTED',
          `${payloadPath}: header and manifest disagree on the schema version`,
        );
    } else await pgRestoreList(plain);

    const admin = await connect(adminUrl);
    let targetExists: boolean;
    try {
      targetExists =
        (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [target])).rowCount === 1;
    } finally {
      await admin.end();
    }
    let safety: string | null = null;
    if (o.safetyBackup !== false && targetExists) {
      const s = await createBackup({
        url: o.url,
        kind: o.kind,
        dir: o.dir,
        name: `pre-restore-${timestampName(started)}`,
        encryptionKey: o.encryptionKey,
        appVersion: o.appVersion,
        logger: o.logger,
        now,
      });
      safety = s.manifestPath;
    }

    await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${q(fresh)}`));
    created = true;
    const verified = await loadAndCheck(o, manifest, plain, freshUrl);

    // Keep the current maintenance switch: an operator who paused the service for the restore
    // expects it to stay paused until they switch it off.
    if (targetExists) await carryMaintenance(o.url, freshUrl);
    await swap(adminUrl, target, fresh, targetExists ? previous : undefined);
    created = false;
    const report: RestoreReport = {
      restored: manifest.name,
      format: manifest.format,
      database: target,
      previousDatabase: targetExists ? previous : null,
      safetyBackup: safety,
      schemaVersion: { backup: manifest.schemaVersion, now: o.shipped.length },
      boardHeads: manifest.boardHeads.length,
      verified,
      durationMs: now().getTime() - started.getTime(),
    };
    await auditRestore(o.url, report);
    return report;
  } finally {
    if (plain !== payloadPath) await rm(plain, { force: true });
    if (created)
      await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${q(fresh)} WITH (FORCE)`)).catch(
        (err: unknown) =>
          o.logger.warn({ err, database: fresh }, 'could not drop the unfinished restore database'),
      );
  }
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await connect(url);
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function loadAndCheck(
  o: RestoreOptions,
  manifest: BackupManifest,
  plain: string,
  freshUrl: string,
): Promise<VerifyOutcome[]> {
  const migrateLog = { info: () => undefined, warn: (obj: object, msg: string) => o.logger.warn(obj, msg) };
  const client = await connect(freshUrl);
  try {
    if (manifest.format === 'electra-logical') {
      await applyMigrations(
        client,
        o.shipped.filter((f) => f.version <= manifest.schemaVersion),
        migrateLog,
      );
      await loadLogicalDump(client, plain);
    } else {
      await client.end();
      await pgRestore(freshUrl, plain);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return withAdmin(freshUrl, async (c) => {
    await applyMigrations(c, o.shipped, migrateLog);
    const problems: string[] = [];
    await c.query('SELECT 1');
    const version = await schemaVersionOf(c);
    if (version < o.shipped.length) problems.push(`migrations: ${version} of ${o.shipped.length} applied`);
    problems.push(...(await compareBoardHeads(c, manifest.boardHeads)));
    let verified: VerifyOutcome[] = [];
    if (problems.length === 0 && o.verify && manifest.boardHeads.length > 0) {
      verified = await o.verify(
        freshUrl,
        manifest.boardHeads.map((h) => h.electionId),
      );
      for (const v of verified) if (!v.valid) problems.push(`election ${v.electionId}: ${v.detail}`);
    }
    if (problems.length > 0)
      throw new BackupError(
        'RESTORE_CHECK_FAILED',
        `the restored database failed its checks, the current database was left untouched:\n  ${problems.join('\n  ')}`,
      );
    return verified;
  });
}

async function carryMaintenance(currentUrl: string, freshUrl: string): Promise<void> {
  const row = await withAdmin(currentUrl, async (c) => {
    const t = await c.query<{ ok: boolean }>("SELECT to_regclass('public.settings') IS NOT NULL AS ok");
    if (!t.rows[0]?.ok) return undefined;
    return (await c.query<{ value: unknown }>("SELECT value FROM settings WHERE key = 'maintenance'"))
      .rows[0];
  }).catch(() => undefined);
  if (!row) return;
  await withAdmin(freshUrl, (c) =>
    c.query(
      `INSERT INTO settings (key, value, updated_at) VALUES ('maintenance', $1::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [JSON.stringify(row.value)],
    ),
  );
}

/**
 * Puts `fresh` in place of `target` by renaming (the old one is kept as `previous`). Connections to
 * the target are refused first and the remaining ones terminated, since a database in use cannot be
 * renamed; replicas reconnect to the same name and find the restored data.
 */
async function swap(
  adminUrl: string,
  target: string,
  fresh: string,
  previous: string | undefined,
): Promise<void> {
  await withAdmin(adminUrl, async (c) => {
    if (previous) {
      await c.query(`ALTER DATABASE ${q(target)} WITH ALLOW_CONNECTIONS false`);
      try {
        for (let attempt = 1; ; attempt++) {
          await c.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [target],
          );
          try {
            await c.query(`ALTER DATABASE ${q(target)} RENAME TO ${q(previous)}`);
            break;
          } catch (e) {
            if ((e as { code?: string }).code !== '55006' || attempt >= 20) throw e;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      } catch (e) {
        await c.query(`ALTER DATABASE ${q(target)} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
        throw e;
      }
      await c.query(`ALTER DATABASE ${q(previous)} WITH ALLOW_CONNECTIONS true`);
    }
    for (let attempt = 1; ; attempt++) {
      await c.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [fresh],
      );
      try {
        await c.query(`ALTER DATABASE ${q(fresh)} RENAME TO ${q(target)}`);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== '55006' || attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
}

async function auditRestore(url: string, r: RestoreReport): Promise<void> {
  await withAdmin(url, async (c) => {
    await new AuditRepository(clientDatabase(c)).append({
      actor: 'cli',
      action: 'backup.restored',
      target: `backup:${r.restored}`,
      details: {
        format: r.format,
        previousDatabase: r.previousDatabase,
        safetyBackup: r.safetyBackup ? basename(r.safetyBackup) : null,
        schemaVersion: r.schemaVersion,
        boardHeads: r.boardHeads,
        verified: r.verified.map((v) => ({ electionId: v.electionId, valid: v.valid })),
      },
    });
  });
}

/**
 * `electra db:restore` (docs/operations/backup-restore.md, ADR 0007): the checksum is verified first
 * (a damaged file is refused before anything changes), the schema version must not be newer than this
 * build, a safety backup of the current database is taken, the backup is loaded into a FRESH database
 * next to the current one, migrated, checked (SELECT 1, migrations current, board heads equal to the
 * manifest, the election verifier), and only then swapped in by renaming the databases. The previous
 * database is kept, renamed, until an operator drops it. Any failure before the swap leaves the
 * current database untouched.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AuditRepository } from '../../domain/audit/audit.repository.js';
import { applyMigrations, type MigrationFile } from '../migrate.js';
import type { StoreLogger } from '../store-logger.js';
import { decryptFile, sha256File } from './backup-crypto.js';
import { BackupError, type BackupFormat, type BackupManifest, readManifest } from './backup-manifest.js';
import { type BackupTarget, createBackup } from './backup-service.js';
import {
  clientDatabase,
  connect,
  exists,
  q,
  schemaVersionOf,
  timestampName,
  withAdmin,
} from './backup-support.js';
import { compareBoardHeads } from './board-heads.js';
import { loadLogicalDump, readLogicalHeader } from './logical-dump.js';
import { parsePgUrl, pgRestore, pgRestoreList, withDatabase } from './pg-dump.js';

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
  // A random suffix: two restores within one second must not collide (names stay ≤ 63 bytes).
  const suffix = randomBytes(2).toString('hex');
  const fresh = `${target.slice(0, 30)}_restore_${ts}_${suffix}`;
  const previous = `${target.slice(0, 30)}_pre_restore_${ts}_${suffix}`;
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
        name: `pre-restore-${timestampName(started)}-${suffix}`,
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

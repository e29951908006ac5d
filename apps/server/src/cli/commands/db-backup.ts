/**
 * `electra db:backup` — the runbook's `./scripts/db_backup.sh production NAME` (the script wraps
 * this). Writes a checksummed, optionally encrypted backup with its manifest, records the success
 * time for the BackupStale alert, and applies the retention policy with --prune.
 */
import { decodeBackupKey } from '../../store/backup/backup-crypto.js';
import { pruneBackups } from '../../store/backup/backup-prune.js';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../../store/backup/backup-retention.js';
import { createBackup, type FormatChoice } from '../../store/backup/backup-service.js';
import { backupDirOf, resolveBackupTarget } from '../../store/backup/backup-target.js';
import { cliConfig, cliLogger } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';
import { serverVersion } from '../server-version.js';

function count(value: unknown, option: string, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1000)
    throw new UsageError(`${option} expects a whole number from 0 to 1000`);
  return n;
}

export const dbBackupCommand: CliCommand = {
  name: 'db:backup',
  summary: 'Back up the database (checksummed, optionally encrypted) with its manifest',
  usage: `Usage: electra db:backup [--name NAME] [--dir DIR] [--encrypt] [--format auto|pg_dump|logical]
                         [--prune [--keep-daily N] [--keep-weekly N] [--keep-monthly N]] [--json]

Back up the Electra database into DIR: NAME.dump (or NAME.dump.enc), NAME.dump[.enc].sha256
and NAME.manifest.json (app and schema versions, checksum, board head of every election).
Files are written under temporary names and renamed when complete. The success time is
stored in the database: every replica exports it as
electra_backup_last_success_timestamp_seconds (alert BackupStale).

Format: pg_dump -Fc when a pg_dump at least as new as the server is installed (external
PostgreSQL, the container image); otherwise Electra's logical dump (always the case for
the embedded database, whose binaries include no pg_dump). See docs/adr/0007-backups.md.

Options:
  --name NAME         Backup name (letters, digits, . _ -); default backup-<UTC time>
  --dir DIR           Backup directory (default ELECTRA_BACKUP_DIR, else ELECTRA_DATA_DIR/backups)
  --encrypt           Encrypt with AES-256-GCM using ELECTRA_BACKUP_ENCRYPTION_KEY
  --format FORMAT     auto (default), pg_dump or logical
  --prune             Afterwards delete backups outside the retention policy:
  --keep-daily N        newest backup of each of the last N days (default ${DEFAULT_RETENTION.daily})
  --keep-weekly N       newest of each of the last N ISO weeks (default ${DEFAULT_RETENTION.weekly})
  --keep-monthly N      newest of each of the last N months (default ${DEFAULT_RETENTION.monthly})
                      (backups younger than a day are always kept)
  --json              Machine-readable result (the manifest)
  -h, --help          Show this help

Uses DATABASE_URL, or the embedded database in ELECTRA_DATA_DIR when it is unset.
Exit codes: 0 written; 1 failure (nothing half-written is left under the final name); 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      name: { type: 'string' },
      dir: { type: 'string' },
      encrypt: { type: 'boolean' },
      format: { type: 'string' },
      prune: { type: 'boolean' },
      'keep-daily': { type: 'string' },
      'keep-weekly': { type: 'string' },
      'keep-monthly': { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!args) return 0;
    const v = args.values;
    const format = (v.format ?? 'auto') as FormatChoice;
    if (!['auto', 'pg_dump', 'logical'].includes(format))
      throw new UsageError('--format is auto, pg_dump or logical');
    const policy: RetentionPolicy = {
      daily: count(v['keep-daily'], '--keep-daily', DEFAULT_RETENTION.daily),
      weekly: count(v['keep-weekly'], '--keep-weekly', DEFAULT_RETENTION.weekly),
      monthly: count(v['keep-monthly'], '--keep-monthly', DEFAULT_RETENTION.monthly),
    };
    if (!v.prune && (v['keep-daily'] ?? v['keep-weekly'] ?? v['keep-monthly']) !== undefined)
      throw new UsageError('--keep-* options go with --prune');
    const config = cliConfig();
    const encryptionKey = v.encrypt ? decodeBackupKey(config.backupEncryptionKey) : undefined;
    if (v.encrypt && !encryptionKey)
      throw new UsageError('--encrypt needs ELECTRA_BACKUP_ENCRYPTION_KEY (base64 of 32 random bytes)');
    const dir = typeof v.dir === 'string' ? v.dir : backupDirOf(config);
    const logger = cliLogger(config);
    const target = await resolveBackupTarget(config, logger);
    try {
      const b = await createBackup({
        ...target,
        dir,
        name: typeof v.name === 'string' ? v.name : undefined,
        format,
        encryptionKey,
        appVersion: serverVersion(),
        logger,
      });
      const pruned = v.prune ? await pruneBackups(dir, policy, new Date()) : undefined;
      if (v.json)
        printJson({ ...b.manifest, manifestPath: b.manifestPath, payloadPath: b.payloadPath, pruned });
      else {
        const m = b.manifest;
        cliRuntime.out(
          `backup ${m.name} written: ${b.payloadPath} (${m.format}${m.encrypted ? ', encrypted' : ''}, ${m.sizeBytes} bytes, sha256 ${m.sha256})\n` +
            `schema version ${m.schemaVersion}, ${m.boardHeads.length} election board(s), manifest ${b.manifestPath}\n`,
        );
        if (pruned)
          cliRuntime.out(
            `retention: kept ${pruned.kept.length}, deleted ${pruned.deleted.length}${pruned.deleted.length ? ` (${pruned.deleted.join(', ')})` : ''}\n`,
          );
      }
      return 0;
    } finally {
      await target.release();
    }
  },
};

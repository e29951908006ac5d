/**
 * `electra db:restore (--latest | FILE)` — the runbook's `./scripts/db_restore.sh --latest
 * production`. Refuses a damaged (checksum) or too-new (schema) backup before touching anything,
 * takes a safety backup, restores into a fresh database, migrates and checks it (SELECT 1,
 * migrations, board heads against the manifest, the election verifier of protocol §11 on every
 * restored board), and only then swaps it in; the previous database is kept under another name.
 */
import { availableParallelism } from 'node:os';
import { initCrypto } from '../../crypto/init-crypto.js';
import { boardHead, streamRecord } from '../../domain/board/board.repository.js';
import { recordVerifier, reportDigest, verifyStoredRecord } from '../../domain/tally/record-verification.js';
import { TallyRepository } from '../../domain/tally/tally.repository.js';
import { decodeBackupKey } from '../../store/backup/backup-crypto.js';
import { BackupError, listBackups, manifestPathForFile } from '../../store/backup/backup-manifest.js';
import { backupDirOf, resolveBackupTarget } from '../../store/backup/backup-target.js';
import { checkBackupFile, restoreBackup, type VerifyOutcome } from '../../store/backup/restore-service.js';
import { loadMigrations } from '../../store/migrate.js';
import { openDatabase } from '../../store/pg-database.js';
import type { StoreLogger } from '../../store/store-logger.js';
import { cliConfig, cliLogger } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';
import { serverVersion } from '../server-version.js';

/** The §11 verifier on each restored board, read from the fresh database before the swap. */
function boardVerifier(threads: number, logger: StoreLogger) {
  return async (url: string, electionIds: string[]): Promise<VerifyOutcome[]> => {
    await initCrypto();
    const db = await openDatabase({
      url,
      dataDir: '.',
      poolMax: 2,
      slowQueryMs: 60_000,
      logger,
      migrateOnStart: false,
      applicationName: 'electra-restore-verify',
    });
    try {
      const out: VerifyOutcome[] = [];
      for (const electionId of electionIds) {
        const head = await boardHead(db, electionId);
        const row = await verifyStoredRecord(
          {
            board: {
              head: (id, tx) => boardHead(tx ?? db, id),
              async *record(id) {
                yield* streamRecord(db, id, head);
              },
            },
            repository: new TallyRepository(db),
            verifier: recordVerifier({ threads, clock: () => performance.now() }),
            logger,
          },
          electionId,
          'cli',
        );
        const digest = reportDigest(row.report) as { failedChecks: string[] };
        out.push({
          electionId,
          valid: row.valid,
          detail: row.valid
            ? `record of ${row.headHeight} events verifies (head ${row.headHash})`
            : `record does not verify: ${digest.failedChecks.join(', ')}`,
        });
      }
      return out;
    } finally {
      await db.close();
    }
  };
}

export const dbRestoreCommand: CliCommand = {
  name: 'db:restore',
  summary: 'Restore a backup into a fresh database, verify it, then swap it in',
  usage: `Usage: electra db:restore (--latest | FILE) [--dir DIR] [--yes] [--no-safety-backup]
                          [--workers N] [--json]

Restore a backup made by electra db:backup. FILE is its manifest (NAME.manifest.json) or
its payload (NAME.dump, NAME.dump.enc); --latest takes the newest backup in DIR.

Steps: verify the SHA-256 checksum (a damaged file is refused: exit 1, nothing changed);
refuse a backup whose schema is newer than this build; take a safety backup of the
current database (pre-restore-<time>, in DIR); restore into a FRESH database
<db>_restore_<time>; migrate it; check it (SELECT 1, migrations, every election board
head equal to the manifest, the election verifier on every restored board); then swap it
in by renaming: the current database becomes <db>_pre_restore_<time> (kept; drop it
yourself once satisfied) and every replica reconnects to the restored data. Any failure
before the swap leaves the current database untouched. The maintenance mode switch of the
current database is carried over; the restore is recorded in the audit log.

Without --yes only the file checks run and nothing is changed.

Options:
  --latest            Restore the newest backup in DIR
  --dir DIR           Backup directory (default ELECTRA_BACKUP_DIR, else ELECTRA_DATA_DIR/backups)
  --yes               Really restore (replaces the database the server uses)
  --no-safety-backup  Skip the safety backup of the current database
  --workers N         Worker threads for the election verifier (default: available CPUs, at most 4)
  --json              Machine-readable report
  -h, --help          Show this help

Encrypted backups need ELECTRA_BACKUP_ENCRYPTION_KEY. The database user must be allowed
to create and rename databases (CREATEDB and ownership of the Electra database).
Exit codes: 0 restored (or, without --yes, the file is restorable); 1 refused or failed;
2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(
      this,
      argv,
      {
        latest: { type: 'boolean' },
        dir: { type: 'string' },
        yes: { type: 'boolean' },
        'no-safety-backup': { type: 'boolean' },
        workers: { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 0, max: 1 },
    );
    if (!args) return 0;
    const v = args.values;
    const file = args.positionals[0];
    if (Boolean(v.latest) === (file !== undefined)) throw new UsageError('give either --latest or FILE');
    const threads = v.workers === undefined ? Math.min(4, availableParallelism()) : Number(v.workers);
    if (!Number.isSafeInteger(threads) || threads < 0 || threads > 256)
      throw new UsageError('--workers expects an integer from 0 to 256');
    const config = cliConfig();
    const dir = typeof v.dir === 'string' ? v.dir : backupDirOf(config);
    let manifestPath: string;
    if (file !== undefined) manifestPath = manifestPathForFile(file);
    else {
      const newest = (await listBackups(dir))[0];
      if (!newest) throw new BackupError('BACKUP_NOT_FOUND', `no complete backup in ${dir}`);
      manifestPath = newest.manifestPath;
    }
    const shipped = await loadMigrations();
    if (!v.yes) {
      const { manifest } = await checkBackupFile(manifestPath, shipped);
      const summary = `backup ${manifest.name} (${manifest.createdAt}, schema ${manifest.schemaVersion}, ${manifest.boardHeads.length} board(s)) is intact and restorable`;
      if (v.json) printJson({ checked: true, restored: false, manifest });
      else cliRuntime.out(`${summary}\nnothing changed: re-run with --yes to restore it\n`);
      return 0;
    }
    const logger = cliLogger(config);
    const target = await resolveBackupTarget(config, logger);
    try {
      const report = await restoreBackup({
        ...target,
        manifestPath,
        dir,
        encryptionKey: decodeBackupKey(config.backupEncryptionKey),
        appVersion: serverVersion(),
        shipped,
        logger,
        safetyBackup: v['no-safety-backup'] !== true,
        verify: boardVerifier(threads, logger),
      });
      if (v.json) printJson(report);
      else {
        const lines = [
          `restored ${report.restored} (${report.format}) into database ${report.database} in ${report.durationMs} ms`,
          `schema version ${report.schemaVersion.backup} migrated to ${report.schemaVersion.now}; ${report.boardHeads} board head(s) match the manifest`,
          ...report.verified.map((x) => `election ${x.electionId}: ${x.detail}`),
          report.safetyBackup
            ? `safety backup of the previous data: ${report.safetyBackup}`
            : 'no safety backup taken',
          report.previousDatabase
            ? `previous database kept as ${report.previousDatabase} (drop it once satisfied: DROP DATABASE "${report.previousDatabase}")`
            : 'there was no previous database',
        ];
        cliRuntime.out(`${lines.join('\n')}\n`);
      }
      return 0;
    } finally {
      await target.release();
    }
  },
};

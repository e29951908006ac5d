/**
 * The `electra` command registry: one entry per command, in the order `electra --help` lists them.
 * Add a command by writing `commands/<name>.ts` exporting a CliCommand and appending it here.
 */
import type { CliCommand } from '../command.js';
import { adminCreateCommand } from './admin-create.js';
import { auditVerifyCommand } from './audit-verify.js';
import { cacheClearCommand } from './cache-clear.js';
import { credentialsGenerateCommand } from './credentials-generate.js';
import { credentialsReissueCommand } from './credentials-reissue.js';
import { dbActivityCommand } from './db-activity.js';
import { dbBackupCommand } from './db-backup.js';
import { dbCheckCommand } from './db-check.js';
import { dbLongQueriesCommand } from './db-long-queries.js';
import { dbRestoreCommand } from './db-restore.js';
import { dbTerminateCommand } from './db-terminate.js';
import { keysRotateCommand } from './keys-rotate.js';
import { mailOutboxCommand } from './mail-outbox.js';
import { maintenanceCommand } from './maintenance.js';
import { migrateCommand } from './migrate.js';
import { serveCommand } from './serve.js';
import { sessionsRevokeAllCommand } from './sessions-revoke-all.js';
import { tallyVerifyCommand } from './tally-verify.js';
import {
  trusteeDecryptCommand,
  trusteeInitCommand,
  trusteeStatusCommand,
  trusteeStepCommand,
} from './trustee.js';
import { usersImportCommand } from './users-import.js';
import { verifyCommand } from './verify.js';
import { versionCommand } from './version.js';

export const commands: CliCommand[] = [
  serveCommand,
  migrateCommand,
  dbCheckCommand,
  dbActivityCommand,
  dbLongQueriesCommand,
  dbTerminateCommand,
  dbBackupCommand,
  dbRestoreCommand,
  keysRotateCommand,
  sessionsRevokeAllCommand,
  mailOutboxCommand,
  maintenanceCommand,
  cacheClearCommand,
  adminCreateCommand,
  usersImportCommand,
  auditVerifyCommand,
  credentialsGenerateCommand,
  credentialsReissueCommand,
  trusteeInitCommand,
  trusteeStepCommand,
  trusteeStatusCommand,
  trusteeDecryptCommand,
  verifyCommand,
  tallyVerifyCommand,
  versionCommand,
];

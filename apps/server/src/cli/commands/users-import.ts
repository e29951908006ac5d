/**
 * `electra users:import file.csv [--dry-run] [--invite]`: the voter-roll import from the command line,
 * the same operation as `POST /api/roll/import` (format: docs/operations/voter-roll.md). The operator
 * acts with admin rights (they hold the database credentials anyway); the audit entry's actor is
 * `cli`. Prints the preview: counts, then every row error with its line and field.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { RollPreview } from '../../domain/roll/roll-import.service.js';
import { createAccessModule } from '../../domain/user-admin/access-module.js';
import type { Actor } from '../../policies/types.js';
import { cliConfig, withCliAuth } from '../cli-context.js';
import {
  type CliCommand,
  cliRuntime,
  formatTable,
  parseCommandArgs,
  printJson,
  UsageError,
} from '../command.js';

/** Who the CLI acts as: an operator with admin rights (and a completed second factor). */
export const CLI_ACTOR: Actor = { userId: 'cli', roles: ['admin'], sessionId: 'cli', mfa: true };

export function formatPreview(p: RollPreview): string {
  const lines = [
    `rows ${p.rows}: ${p.toCreate} to create, ${p.toUpdate} to update, ${p.unchanged} unchanged, ${p.errorCount} error(s)`,
  ];
  if (p.errors.length > 0) {
    lines.push(
      formatTable(
        ['LINE', 'FIELD', 'REASON'],
        p.errors.map((e) => [String(e.line), e.field ?? '-', e.reason]),
      ),
    );
    if (p.errorCount > p.errors.length) lines.push(`… and ${p.errorCount - p.errors.length} more`);
  }
  return `${lines.join('\n')}\n`;
}

export const usersImportCommand: CliCommand = {
  name: 'users:import',
  summary: 'Import the voter roll from a CSV file (--dry-run to preview)',
  usage: `Usage: electra users:import <file.csv> [--dry-run] [--invite] [--json]

Import voters from a CSV file with a header row:
  email,name[,matric_number][,staff_id][,groups][,group:<key>...]
(groups as key=value;key=value; see docs/operations/voter-roll.md). Accounts are
matched by email: new ones are created with the voter role and no password,
existing ones updated; re-importing the same file changes nothing. Any row error
means nothing is imported.

Options:
  --dry-run   Only print what would happen
  --invite    Email each new voter how to set their password
  --json      Machine-readable preview
  -h, --help  Show this help

Exit codes: 0 imported (or a clean dry run); 1 the file has errors (nothing imported);
2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(
      this,
      argv,
      { 'dry-run': { type: 'boolean' }, invite: { type: 'boolean' }, json: { type: 'boolean' } },
      { min: 1, max: 1 },
    );
    if (!args) return 0;
    const file = args.positionals[0]!;
    try {
      await access(file);
    } catch {
      throw new UsageError(`cannot read ${file}`);
    }
    const dryRun = args.values['dry-run'] === true;
    const invite = args.values.invite === true;
    const config = cliConfig();
    return withCliAuth(config, async ({ db, audit, auth }) => {
      const access = createAccessModule({
        db,
        audit,
        auth,
        publicUrl: config.publicUrl,
        onInvitationError: (email, e) =>
          cliRuntime.err(`invitation to ${email} failed: ${(e as Error).message}\n`),
      });
      const outcome = await access.importer.import({
        csv: createReadStream(file),
        dryRun,
        invite,
        actor: CLI_ACTOR,
        auditActor: 'cli',
      });
      const p = outcome.preview;
      const invited = outcome.status === 'imported' ? outcome.invited : 0;
      if (args.values.json) printJson({ dryRun, imported: outcome.status === 'imported', invited, ...p });
      else {
        cliRuntime.out(formatPreview(p));
        if (outcome.status === 'imported') {
          cliRuntime.out(
            `imported${invite ? `; ${invited} invitation(s) sent (${auth.mailer.kind})` : ''}\n`,
          );
        } else if (outcome.status === 'invalid') cliRuntime.out('nothing imported: fix the errors above\n');
        else cliRuntime.out('dry run: nothing written\n');
      }
      return p.errorCount === 0 ? 0 : 1;
    });
  },
};

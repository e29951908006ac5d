/**
 * `electra migrate`: apply pending migrations (the same code the server runs at start, under the
 * same advisory lock, so it is safe while replicas start), or show the status with --status.
 */

import { cliConfig, withCliDatabase } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson } from '../command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Apply pending database migrations',
  usage: `Usage: electra migrate [--status] [--json]

Apply every pending migration in order, each in its own transaction, under a PostgreSQL
advisory lock (several replicas or operators may run it at once). Refuses to run when an
already-applied migration file was changed.

Uses DATABASE_URL, or the embedded database in ELECTRA_DATA_DIR when it is unset.

Options:
  --status    Only show applied/pending migrations; change nothing
  --json      Machine-readable output
  -h, --help  Show this help

Exit codes: 0 done (or nothing to do), 1 failure (message on stderr), 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, { status: { type: 'boolean' }, json: { type: 'boolean' } });
    if (!args) return 0;
    const config = cliConfig();
    return withCliDatabase(config, async (db) => {
      if (args.values.status) {
        const status = await db.migrationStatus();
        if (args.values.json) printJson({ target: db.target, ...status });
        else {
          cliRuntime.out(`database: ${db.target} (${db.kind})\n`);
          cliRuntime.out(`migrations: current ${status.current}, expected ${status.expected}\n`);
          for (const name of status.pending) cliRuntime.out(`  pending: ${name}\n`);
        }
        return status.pending.length === 0 ? 0 : 1;
      }
      const result = await db.migrate();
      if (args.values.json) printJson({ target: db.target, ...result });
      else if (result.applied.length === 0) {
        cliRuntime.out(
          `database is current (migration ${result.current} of ${result.expected}): ${db.target}\n`,
        );
      } else {
        for (const name of result.applied) cliRuntime.out(`applied ${name}\n`);
        cliRuntime.out(
          `database is now at migration ${result.current} of ${result.expected}: ${db.target}\n`,
        );
      }
      return 0;
    });
  },
};

/**
 * `electra db:check`: the runbook's "can we reach the database?" (`SELECT 1`) plus the migration
 * status, with a clear verdict and exit code, for humans on call and for scripts.
 */
import type { MigrationStatus } from '../../store/database.js';
import { redactUrl } from '../../store/pg-errors.js';
import { cliConfig, openCliDatabase } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';
import { parseDuration } from '../duration.js';

interface Report {
  status: 'ok' | 'failed';
  database: {
    status: 'ok' | 'failed';
    kind?: string;
    target: string;
    connectMs?: number;
    latencyMs?: number;
    error?: string;
  };
  migrations?: { status: 'ok' | 'pending' | 'failed'; error?: string } & Partial<MigrationStatus>;
}

export const dbCheckCommand: CliCommand = {
  name: 'db:check',
  summary: 'Check the database: connect, SELECT 1, latency, migrations',
  usage: `Usage: electra db:check [--timeout 5s] [--json]

Connect to the database, run SELECT 1, measure the latency and compare the applied
migrations with the ones this build ships.

Uses DATABASE_URL, or the embedded database in ELECTRA_DATA_DIR when it is unset.

Options:
  --timeout <duration>  Give up connecting after this long (default 5s; e.g. 500ms, 10s)
  --json                Machine-readable report
  -h, --help            Show this help

Exit codes: 0 healthy; 1 unreachable, failing or migrations pending; 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, { timeout: { type: 'string' }, json: { type: 'boolean' } });
    if (!args) return 0;
    const timeoutMs = parseDuration(String(args.values.timeout ?? '5s'));
    if (timeoutMs === undefined || timeoutMs <= 0)
      throw new UsageError('--timeout must be a duration such as 5s');
    const config = cliConfig();
    const target = config.databaseUrl
      ? redactUrl(config.databaseUrl)
      : `embedded database in ${config.dataDir}`;
    const report: Report = { status: 'failed', database: { status: 'failed', target } };
    try {
      const db = await openCliDatabase(config, { connectTimeoutMs: timeoutMs });
      try {
        report.database.kind = db.kind;
        report.database.target = db.target;
        report.database.connectMs = (await db.ping()).latencyMs; // includes opening the connection
        report.database.latencyMs = (await db.ping()).latencyMs;
        report.database.status = 'ok';
        try {
          const m = await db.migrationStatus();
          report.migrations = { status: m.pending.length === 0 ? 'ok' : 'pending', ...m };
        } catch (e) {
          report.migrations = { status: 'failed', error: (e as Error).message };
        }
      } finally {
        await db.close();
      }
    } catch (e) {
      report.database.error = describeError(e);
    }
    report.status = report.database.status === 'ok' && report.migrations?.status === 'ok' ? 'ok' : 'failed';
    if (args.values.json) printJson(report);
    else printReport(report);
    return report.status === 'ok' ? 0 : 1;
  },
};

function describeError(e: unknown): string {
  const err = e as { message?: string; code?: string; errors?: { message?: string }[] };
  // Connection failures to "localhost" come as an AggregateError (IPv4 + IPv6) with an empty message.
  const message = err.message || err.errors?.map((x) => x.message).join('; ') || String(e);
  return err.code && !message.includes(err.code) ? `${message} (${err.code})` : message;
}

function printReport(r: Report): void {
  const out = (s: string) => cliRuntime.out(`${s}\n`);
  if (r.database.status === 'ok') {
    out(
      `database    ok       ${r.database.target} (${r.database.kind}), connected in ${r.database.connectMs} ms, SELECT 1 in ${r.database.latencyMs} ms`,
    );
  } else {
    out(`database    FAILED   cannot reach ${r.database.target}: ${r.database.error}`);
  }
  const m = r.migrations;
  if (m?.status === 'ok') out(`migrations  ok       ${m.current} of ${m.expected} applied`);
  else if (m?.status === 'pending') {
    out(`migrations  PENDING  ${m.current} of ${m.expected} applied; pending: ${m.pending?.join(', ')}`);
    out('            run: electra migrate');
  } else if (m?.status === 'failed') out(`migrations  FAILED   ${m.error}`);
  out(r.status === 'ok' ? 'healthy' : 'NOT healthy');
}

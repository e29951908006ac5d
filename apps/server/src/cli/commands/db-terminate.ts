/**
 * `electra db:terminate <pid>`: the runbook's `pg_terminate_backend(pid)`, with the checks a tired
 * operator needs: the pid must be a client session (not PostgreSQL's own processes, not this
 * command's connection), and the answer says whether it is really gone.
 */
import { cliConfig, withCliDatabase } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';
import { truncateQuery } from '../pg-activity.js';

interface Target {
  [key: string]: unknown;
  pid: number;
  backendType: string;
  user: string | null;
  database: string | null;
  state: string | null;
  query: string;
  self: boolean;
}

type Outcome = 'terminated' | 'not-found' | 'refused' | 'not-terminated';

export const dbTerminateCommand: CliCommand = {
  name: 'db:terminate',
  summary: 'Terminate a database session by pid (pg_terminate_backend)',
  usage: `Usage: electra db:terminate <pid> [--json]

Terminate one client session of the database server (find pids with electra db:activity or
electra db:long-queries). Its transaction is rolled back and its client sees a connection
error. Refuses PostgreSQL's own background processes and this command's own connection, and
waits up to 5 s to confirm the session is gone.

Options:
  --json      Machine-readable result
  -h, --help  Show this help

Exit codes: 0 terminated; 1 not found, refused or not terminated; 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, { json: { type: 'boolean' } }, { min: 1, max: 1 });
    if (!args) return 0;
    const raw = args.positionals[0]!;
    const pid = /^[1-9]\d{0,9}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(pid) || pid > 2_147_483_647) {
      throw new UsageError(`pid must be a positive integer, got "${raw}"`);
    }
    const config = cliConfig();
    return withCliDatabase(config, async (db) => {
      // One connection (pool of the CLI) for the lookup and the termination: "self" is this session.
      const result = await db.transaction('cli.terminate', async (tx) => {
        const found = await tx.query<Target>(
          'cli.terminate.lookup',
          `SELECT pid, backend_type AS "backendType", usename AS "user", datname AS database, state,
                  coalesce(query, '') AS query, pid = pg_backend_pid() AS self
             FROM pg_stat_activity WHERE pid = $1::int`,
          [pid],
        );
        const target = found.rows[0];
        if (!target) return { outcome: 'not-found' as Outcome, reason: `no server process with pid ${pid}` };
        if (target.self) {
          return {
            outcome: 'refused' as Outcome,
            target,
            reason: `pid ${pid} is this command's own connection`,
          };
        }
        if (target.backendType !== 'client backend') {
          return {
            outcome: 'refused' as Outcome,
            target,
            reason: `pid ${pid} is a PostgreSQL ${target.backendType} process, not a client session`,
          };
        }
        const done = await tx.query<{ terminated: boolean }>(
          'cli.terminate.kill',
          'SELECT pg_terminate_backend($1::int, 5000) AS terminated',
          [pid],
        );
        return done.rows[0]?.terminated
          ? { outcome: 'terminated' as Outcome, target }
          : {
              outcome: 'not-terminated' as Outcome,
              target,
              reason: `pid ${pid} was signalled but is still there after 5 s`,
            };
      });
      if (args.values.json) printJson({ pid, ...result });
      else if (result.outcome === 'terminated') {
        const t = result.target!;
        cliRuntime.out(
          `terminated pid ${pid} (user ${t.user ?? '-'}, database ${t.database ?? '-'}, ${t.state ?? '-'}: ${truncateQuery(t.query, 80)})\n`,
        );
      } else cliRuntime.err(`not terminated: ${result.reason}\n`);
      return result.outcome === 'terminated' ? 0 : 1;
    });
  },
};

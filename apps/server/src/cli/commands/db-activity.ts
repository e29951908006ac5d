/**
 * `electra db:activity`: the runbook's `SELECT * FROM pg_stat_activity`, summarised: connection
 * counts by state against max_connections, then the sessions doing something (or all with --all).
 */
import { cliConfig, withCliDatabase } from '../cli-context.js';
import {
  type CliCommand,
  cliRuntime,
  formatTable,
  parseCommandArgs,
  printJson,
  UsageError,
} from '../command.js';
import { listSessions, SESSION_HEADERS, sessionCells } from '../pg-activity.js';

export const dbActivityCommand: CliCommand = {
  name: 'db:activity',
  summary: 'Show database connections and active queries',
  usage: `Usage: electra db:activity [--all] [--all-databases] [--width 100] [--json]

Show how many connections the database server has (by state, against max_connections)
and the client sessions that are running a query or holding a transaction open, longest
first, with pid, duration, state, user, wait event and the query text (truncated).

Options:
  --all            Also list idle sessions
  --all-databases  Sessions of every database on the server, not only Electra's
  --width <n>      Truncate query text to n characters (default 100)
  --json           Machine-readable output (query text truncated to --width too)
  -h, --help       Show this help

This command's own connection is not listed.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      all: { type: 'boolean' },
      'all-databases': { type: 'boolean' },
      width: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!args) return 0;
    const width = Number(args.values.width ?? 100);
    if (!Number.isInteger(width) || width < 10)
      throw new UsageError('--width must be an integer of at least 10');
    const config = cliConfig();
    return withCliDatabase(config, async (db) => {
      const counts = await db.query<{ state: string; n: number }>(
        'cli.connection_counts',
        `SELECT coalesce(state, 'unknown') AS state, count(*)::int AS n
           FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1 ORDER BY 2 DESC, 1`,
      );
      const max = await db.query<{ max: number }>(
        'cli.max_connections',
        `SELECT current_setting('max_connections')::int AS max`,
      );
      const sessions = (
        await listSessions(db, { allDatabases: args.values['all-databases'] === true })
      ).filter((s) => !s.self && (args.values.all === true || (s.state !== 'idle' && s.state !== null)));
      const total = counts.rows.reduce((sum, r) => sum + r.n, 0);
      const byState = Object.fromEntries(counts.rows.map((r) => [r.state, r.n]));
      if (args.values.json) {
        printJson({
          connections: { total, max: max.rows[0]?.max, byState },
          sessions: sessions.map((s) => ({ ...s, query: s.query.slice(0, width) })),
        });
        return 0;
      }
      const states = counts.rows.map((r) => `${r.state} ${r.n}`).join(', ');
      cliRuntime.out(`connections: ${total} of max ${max.rows[0]?.max} (${states}) on ${db.target}\n`);
      if (sessions.length === 0) {
        cliRuntime.out(args.values.all ? 'no other sessions\n' : 'no active queries\n');
      } else {
        cliRuntime.out(
          `${formatTable(
            SESSION_HEADERS,
            sessions.map((s) => sessionCells(s, width)),
          )}\n`,
        );
      }
      return 0;
    });
  },
};

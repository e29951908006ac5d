/**
 * `electra db:long-queries --min 5m`: the runbook's hunt for queries that have been running too
 * long (and transactions left open that long, which hold locks just the same), with the pids to
 * hand to `electra db:terminate`.
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
import { parseDuration } from '../duration.js';
import { listSessions, SESSION_HEADERS, sessionCells } from '../pg-activity.js';

export const dbLongQueriesCommand: CliCommand = {
  name: 'db:long-queries',
  summary: 'List queries running longer than --min (default 5m)',
  usage: `Usage: electra db:long-queries [--min 5m] [--all-databases] [--width 100] [--json]

List client sessions whose current query has been running for at least --min, or that have
held a transaction open (idle in transaction) for at least --min. Terminate one with
electra db:terminate <pid>.

Options:
  --min <duration>  Threshold, e.g. 30s, 5m, 1h, 1h30m (default 5m)
  --all-databases   Look at every database on the server, not only Electra's
  --width <n>       Truncate query text to n characters (default 100)
  --json            Machine-readable output
  -h, --help        Show this help

Exit code 0 whether or not any were found (see the output or the JSON "count").`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      min: { type: 'string' },
      'all-databases': { type: 'boolean' },
      width: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!args) return 0;
    const minText = String(args.values.min ?? '5m');
    const minMs = parseDuration(minText);
    if (minMs === undefined)
      throw new UsageError(`--min ${minText} is not a duration (use e.g. 30s, 5m, 1h)`);
    const width = Number(args.values.width ?? 100);
    if (!Number.isInteger(width) || width < 10)
      throw new UsageError('--width must be an integer of at least 10');
    const config = cliConfig();
    return withCliDatabase(config, async (db) => {
      const sessions = (
        await listSessions(db, { allDatabases: args.values['all-databases'] === true, minMs })
      ).filter((s) => !s.self);
      if (args.values.json) {
        printJson({
          minMs,
          count: sessions.length,
          sessions: sessions.map((s) => ({ ...s, query: s.query.slice(0, width) })),
        });
      } else if (sessions.length === 0) {
        cliRuntime.out(`no queries running longer than ${minText}\n`);
      } else {
        cliRuntime.out(`${sessions.length} session(s) running longer than ${minText}:\n`);
        cliRuntime.out(
          `${formatTable(
            SESSION_HEADERS,
            sessions.map((s) => sessionCells(s, width)),
          )}\n`,
        );
        cliRuntime.out('terminate one with: electra db:terminate <PID>\n');
      }
      return 0;
    });
  },
};

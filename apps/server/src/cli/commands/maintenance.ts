/**
 * `electra maintenance on [--message TEXT] [--retry-after SECONDS] | off | status [--json]` — the
 * runbook's maintenance mode. The switch is one row in the database (so every replica obeys within
 * a few seconds, docs/operations/maintenance.md) and an audit entry naming the elections open at
 * that moment, because they are not extended automatically.
 */
import { AuditRepository } from '../../domain/audit/audit.repository.js';
import {
  DEFAULT_MAINTENANCE_MESSAGE,
  DEFAULT_RETRY_AFTER_SECONDS,
  type MaintenanceState,
  readMaintenance,
  switchMaintenance,
} from '../../domain/operations/maintenance.js';
import { openElectionIds } from '../../domain/operations/settings.repository.js';
import { cliConfig, withCliDatabase } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';

function describe(m: MaintenanceState): string {
  if (!m.enabled) return `maintenance mode is OFF${m.since ? ` (since ${m.since}, by ${m.by ?? '?'})` : ''}`;
  return [
    `maintenance mode is ON since ${m.since ?? '?'} (by ${m.by ?? '?'})`,
    `message:     ${m.message}`,
    `retry-after: ${m.retryAfterSeconds} s`,
  ].join('\n');
}

export const maintenanceCommand: CliCommand = {
  name: 'maintenance',
  summary: 'Maintenance mode on every replica: on [--message …] | off | status',
  usage: `Usage: electra maintenance on [--message TEXT] [--retry-after SECONDS] [--json]
       electra maintenance off [--json]
       electra maintenance status [--json]

Switch maintenance mode, held in the database so every replica obeys within a few
seconds: all routes except the health probes (/api/health/*), /metrics and
GET /api/maintenance answer 503 MAINTENANCE with the message and a Retry-After header.
Switching is recorded in the audit log together with the elections open at that
moment: open elections are NOT extended automatically, an officer decides.

Options:
  --message TEXT          Shown to every user (on only; default "${DEFAULT_MAINTENANCE_MESSAGE}")
  --retry-after SECONDS   Retry-After header value (on only; default ${DEFAULT_RETRY_AFTER_SECONDS})
  --json                  Machine-readable result
  -h, --help              Show this help

Exit codes: 0 done (status: 0 whatever the state); 1 failure; 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(
      this,
      argv,
      { message: { type: 'string' }, 'retry-after': { type: 'string' }, json: { type: 'boolean' } },
      { min: 1, max: 1 },
    );
    if (!args) return 0;
    const action = args.positionals[0];
    if (action !== 'on' && action !== 'off' && action !== 'status')
      throw new UsageError(`expected on, off or status, got "${action}"`);
    if (action !== 'on' && (args.values.message !== undefined || args.values['retry-after'] !== undefined))
      throw new UsageError('--message and --retry-after only go with "on"');
    let retryAfterSeconds: number | undefined;
    if (args.values['retry-after'] !== undefined) {
      retryAfterSeconds = Number(args.values['retry-after']);
      if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 1 || retryAfterSeconds > 86_400)
        throw new UsageError('--retry-after must be a whole number of seconds between 1 and 86400');
    }
    const message = args.values.message === undefined ? undefined : String(args.values.message);
    if (message !== undefined && (message.trim().length === 0 || message.length > 500))
      throw new UsageError('--message must have 1 to 500 characters');
    const config = cliConfig();
    return withCliDatabase(config, async (db) => {
      if (action === 'status') {
        const state = await readMaintenance(db);
        const openElections = await openElectionIds(db);
        if (args.values.json) printJson({ ...state, openElections });
        else cliRuntime.out(`${describe(state)}\nopen elections: ${openElections.length}\n`);
        return 0;
      }
      const r = await switchMaintenance(db, new AuditRepository(db), {
        enabled: action === 'on',
        message,
        retryAfterSeconds,
        actor: 'cli',
        now: Date.now(),
      });
      if (args.values.json) printJson(r);
      else {
        cliRuntime.out(`${describe(r.state)}\n`);
        cliRuntime.out('every replica follows within a few seconds (they re-read the setting every 2 s)\n');
        if (r.durationSeconds !== undefined) cliRuntime.out(`maintenance lasted ${r.durationSeconds} s\n`);
        if (r.openElections.length > 0)
          cliRuntime.out(
            `${r.openElections.length} election(s) open: ${r.openElections.join(', ')}\n` +
              'they are NOT extended automatically; tell their officers (recorded in the audit log)\n',
          );
      }
      return 0;
    });
  },
};

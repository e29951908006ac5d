/**
 * `electra cache:clear` — the runbook's `cache.clear()`. Electra's caches are in-process (signing
 * keys, maintenance state, …), so the command bumps a cache epoch in the database and every
 * replica drops its registered caches at its next settings poll (within ~2 s). Audited.
 */
import { AuditRepository } from '../../domain/audit/audit.repository.js';
import { bumpCacheEpoch } from '../../domain/operations/cache-epoch.js';
import { cliConfig, withCliDatabase } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson } from '../command.js';

export const cacheClearCommand: CliCommand = {
  name: 'cache:clear',
  summary: 'Make every replica drop its in-process caches (within ~2 s)',
  usage: `Usage: electra cache:clear [--reason TEXT] [--json]

Bump the cache epoch held in the database. Every running replica notices at its next
settings poll (every 2 s) and drops its in-process caches: today the token-signing
key ring (keys are re-read from the database). Data is never cached across requests
otherwise, so nothing else needs clearing. Recorded in the audit log.

Options:
  --reason TEXT  Why (stored in the audit entry)
  --json         Machine-readable result
  -h, --help     Show this help

Exit codes: 0 requested; 1 failure; 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, { reason: { type: 'string' }, json: { type: 'boolean' } });
    if (!args) return 0;
    const config = cliConfig();
    return withCliDatabase(config, async (db) => {
      const reason = args.values.reason === undefined ? undefined : String(args.values.reason).slice(0, 500);
      const epoch = await bumpCacheEpoch(db, new AuditRepository(db), {
        actor: 'cli',
        now: Date.now(),
        reason,
      });
      if (args.values.json) printJson(epoch);
      else
        cliRuntime.out(
          `cache epoch is now ${epoch.epoch}: every replica drops its caches within a few seconds\n`,
        );
      return 0;
    });
  },
};

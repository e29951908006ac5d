/**
 * `electra audit:verify`: walk the whole audit log, recompute every hash and check every link
 * (docs/operations/audit-log.md). Prints the entry count and the head hash (publish it elsewhere to
 * detect a later rewrite), or the first broken link with expected vs found, and exits 1.
 */
import { AuditRepository } from '../../domain/audit/audit.repository.js';
import { cliConfig, withCliDatabase } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';

export const auditVerifyCommand: CliCommand = {
  name: 'audit:verify',
  summary: 'Verify the audit log hash chain; report the first broken link',
  usage: `Usage: electra audit:verify [--anchor <hash>[,<hash>...]] [--json]

Read the whole audit log in order, recompute each entry's SHA-256 and check that
it links to the previous one. Constant memory, whatever the log's length.

Prints "audit log OK: N entries, head <hash>", or the first broken link:
its seq, the kind of break (HASH_MISMATCH: the entry was edited; PREV_HASH_MISMATCH:
an earlier entry was edited and rehashed; SEQ_GAP: an entry was deleted) and the
expected vs found value. See docs/operations/audit-log.md for what to do next.

With --anchor, a head hash printed by an earlier run (or published elsewhere)
must still be in the chain; if it is not, the log was rewritten (ANCHOR_MISSING).

Options:
  --anchor <hash>  Earlier head hash(es) that must be in the chain (comma-separated)
  --json           Machine-readable result
  -h, --help       Show this help

Exit codes: 0 intact; 1 broken (or the database is unreachable); 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      json: { type: 'boolean' },
      anchor: { type: 'string' },
    });
    if (!args) return 0;
    const anchors =
      typeof args.values.anchor === 'string' ? args.values.anchor.split(',').filter(Boolean) : [];
    for (const a of anchors)
      if (!/^[0-9a-fA-F]{64}$/.test(a)) throw new UsageError(`--anchor must be a 64-digit hex hash`);
    const config = cliConfig();
    return withCliDatabase(config, async (db) => {
      const result = await new AuditRepository(db).verify({ anchors });
      if (args.values.json) {
        printJson(
          result.ok
            ? result
            : {
                ok: false,
                count: result.count,
                break: { ...result.break, seq: result.break.seq.toString() },
              },
        );
      } else if (result.ok) {
        cliRuntime.out(`audit log OK: ${result.count} entries, head ${result.head}\n`);
      } else {
        const b = result.break;
        cliRuntime.out(
          `audit log BROKEN at seq ${b.seq} (${b.kind}): expected ${b.expected}, found ${b.found}; ` +
            `${result.count} entries before it verified\n`,
        );
      }
      return result.ok ? 0 : 1;
    });
  },
};

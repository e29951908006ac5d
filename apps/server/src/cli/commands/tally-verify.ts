/**
 * `electra tally:verify --election ID`: run the independent verifier (protocol §11) on the election
 * record exactly as this server stores and serves it, print the verdict and keep the report (as the
 * tally does when it computes the result). For operators: after an incident, a restore from backup
 * (scripts/db_restore.sh) or before announcing results, it proves the stored record still verifies
 * and pins it by its head hash. Exit 0 valid, 1 invalid, 2 no verdict (unknown election, no board,
 * or the verification could not run).
 */
import { availableParallelism } from 'node:os';
import { initCrypto } from '../../crypto/init-crypto.js';
import { AuditRepository } from '../../domain/audit/audit.repository.js';
import { boardHead, streamRecord } from '../../domain/board/board.repository.js';
import { recordVerifier, reportDigest, verifyStoredRecord } from '../../domain/tally/record-verification.js';
import { TallyRepository } from '../../domain/tally/tally.repository.js';
import { cliConfig, cliLogger, withCliDatabase } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const tallyVerifyCommand: CliCommand = {
  name: 'tally:verify',
  summary: "Re-run the verifier on an election's stored record; print the verdict (exit 0 valid, 1 invalid)",
  usage: `Usage: electra tally:verify --election ID [--json] [--workers N]

Verify the election record of election ID as stored in the database (the same bytes
GET /api/elections/ID/record serves) with every check of docs/protocol.md §11: hash
chain, setup and ceremony, every ballot, the encrypted tally, the partial decryptions
and the result. The report is stored with the head hash it pinned (tally_verifications)
and the run is audited (tally.reverified).

Use it after restoring a backup, after an incident, or before announcing results.
A record without a result yet (an election still running) is checked as far as it goes.

Options:
  --election ID  The election (uuid)
  --json         Print {valid, headHeight, headHash, report} as JSON
  --workers N    Worker threads for ballot proofs (default: available CPUs; 0 = main thread)
  -h, --help     Show this help

Exit codes: 0 the record verifies; 1 it does not; 2 no verdict (unknown election,
empty board, the verification could not run) or usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      election: { type: 'string' },
      json: { type: 'boolean' },
      workers: { type: 'string' },
    });
    if (!args) return 0;
    const electionId = args.values.election as string | undefined;
    if (!electionId || !UUID.test(electionId))
      throw new UsageError('--election expects an election id (uuid)');
    const workersArg = args.values.workers as string | undefined;
    const threads = workersArg === undefined ? availableParallelism() : Number(workersArg);
    if (!Number.isSafeInteger(threads) || threads < 0 || threads > 256) {
      throw new UsageError('--workers expects an integer from 0 to 256');
    }
    const config = cliConfig();
    await initCrypto();
    return withCliDatabase(config, async (db) => {
      const head = await boardHead(db, electionId);
      if (head.height === 0) {
        cliRuntime.err(
          `electra tally:verify: election ${electionId} has no board (unknown, or never opened)\n`,
        );
        return 2;
      }
      const repository = new TallyRepository(db);
      let row: Awaited<ReturnType<typeof verifyStoredRecord>>;
      try {
        row = await verifyStoredRecord(
          {
            board: {
              head: (id, tx) => boardHead(tx ?? db, id),
              async *record(id) {
                yield* streamRecord(db, id, head);
              },
            },
            repository,
            verifier: recordVerifier({ threads, clock: () => performance.now() }),
            logger: cliLogger(config),
          },
          electionId,
          'cli',
        );
      } catch (e) {
        cliRuntime.err(`electra tally:verify: verification could not run: ${(e as Error).message}\n`);
        return 2;
      }
      await new AuditRepository(db).append({
        actor: 'cli',
        action: 'tally.reverified',
        target: `election:${electionId}`,
        details: { headHeight: row.headHeight, headHash: row.headHash, ...reportDigest(row.report) },
      });
      const report = row.report;
      if (args.values.json) {
        printJson({ valid: row.valid, headHeight: row.headHeight, headHash: row.headHash, report });
      } else {
        const s = report.summary;
        const lines = [
          `Election ${electionId}: record of ${row.headHeight} events, head ${row.headHash}`,
          `  ballots ${s.ballots} cast, ${s.counted} counted; ${s.partialDecryptions} partial decryptions`,
        ];
        for (const c of report.checks.filter((c) => c.status === 'failed')) {
          lines.push(`  FAIL ${c.code}: ${c.failures} failure${c.failures === 1 ? '' : 's'}`);
        }
        for (const f of report.failures.slice(0, 50)) {
          lines.push(`  ${f.code}${f.height === undefined ? '' : ` (height ${f.height})`}: ${f.message}`);
        }
        for (const [q, r] of (s.result ?? []).entries()) lines.push(`  question ${q + 1}: ${r.join(', ')}`);
        lines.push(row.valid ? 'VALID' : 'INVALID');
        cliRuntime.out(`${lines.join('\n')}\n`);
      }
      return row.valid ? 0 : 1;
    });
  },
};

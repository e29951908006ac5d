/**
 * `electra verify <record-file>`: check a downloaded election record end to end (protocol §11)
 * with every check of @electra/core's verifier, ballots spread over worker threads. Exit codes:
 * 0 the record is valid, 1 it is not (each failure with its code and place), 2 the file cannot be
 * read or is not an electra-record at all (or the verification itself could not run: no verdict).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { inlineBallotExecutor, type VerificationReport, verifyRecord } from '@electra/core';
import { initCrypto } from '../../crypto/init-crypto.js';
import { terminalProgressBar } from '../../verify/progress-bar.js';
import { workerPoolExecutor } from '../../verify/worker-pool-executor.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';

function formatReport(file: string, report: VerificationReport): string {
  const s = report.summary;
  const lines = [`Election record ${file}`];
  if (s.electionId) lines.push(`  election     ${s.electionId}  (fingerprint ${s.fingerprint})`);
  lines.push(
    `  events       ${s.events}`,
    `  ballots      ${s.ballots} cast, ${s.counted} counted, ${s.audited} audited (challenged)`,
    `  credentials  ${s.credentials}`,
    `  trustees     ${s.partialDecryptions} partial decryptions`,
    '',
    'Checks',
  );
  for (const c of report.checks) {
    const mark = c.status === 'passed' ? 'ok  ' : c.status === 'failed' ? 'FAIL' : '--  ';
    const failures = c.failures > 0 ? `  ${c.failures} failure${c.failures === 1 ? '' : 's'}` : '';
    lines.push(`  ${mark} ${c.code.padEnd(20)} ${String(c.count).padStart(7)} checked${failures}`);
  }
  if (s.result) {
    lines.push('', 'Result (decrypted tally, verified)');
    s.result.forEach((row, q) => {
      lines.push(`  question ${q + 1}: ${row.join(', ')}`);
    });
  }
  if (report.failures.length > 0) {
    lines.push('', 'Failures');
    for (const f of report.failures) {
      const place = [
        f.height === undefined ? undefined : `height ${f.height}`,
        f.line === undefined ? undefined : `line ${f.line}`,
        f.tracker === undefined ? undefined : `tracker ${f.tracker}`,
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(`  ${f.code}${place ? ` (${place})` : ''}: ${f.message}`);
    }
    if (s.failuresOmitted > 0) lines.push(`  … and ${s.failuresOmitted} more`);
  }
  const time = s.seconds === undefined ? '' : ` in ${s.seconds.toFixed(1)} s`;
  const verdict = !report.readable
    ? 'UNREADABLE: not an electra-record v1'
    : report.valid
      ? 'VALID'
      : 'INVALID';
  lines.push('', `${verdict}${time}`);
  return `${lines.join('\n')}\n`;
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Verify an election record file (exit 0 valid, 1 invalid, 2 unreadable)',
  usage: `Usage: electra verify <record-file> [--json] [--workers N] [--allow-incomplete]

Verify a downloaded election record (electra-record v1, JSON Lines) with every check of
docs/protocol.md §11: hash chain, setup and trustee ceremony, every ballot's signature and
proofs, credential list, revote policy, challenged ballots, the encrypted tally, every partial
decryption proof and the result. Ballots are verified in parallel on worker threads.

Exit codes: 0 the record is valid, 1 it is invalid, 2 the file is unreadable or not a record
(or the verification could not run at all: no verdict).

Options:
  --json              Print the full report as JSON on stdout
  --workers N         Worker threads for ballot proofs (default: available CPUs; 0 = main thread)
  --allow-incomplete  Accept a record that stops before the result (an election still running)
  -h, --help          Show this help

Examples:
  electra verify election-2026.jsonl
  electra verify election-2026.jsonl --json --workers 2 > report.json`,
  async run(argv) {
    const args = parseCommandArgs(
      this,
      argv,
      { json: { type: 'boolean' }, workers: { type: 'string' }, 'allow-incomplete': { type: 'boolean' } },
      { min: 1, max: 1 },
    );
    if (!args) return 0;
    const file = args.positionals[0]!;
    const workersArg = args.values.workers as string | undefined;
    const workers = workersArg === undefined ? availableParallelism() : Number(workersArg);
    if (!Number.isSafeInteger(workers) || workers < 0 || workers > 256) {
      throw new UsageError('--workers expects an integer from 0 to 256');
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a regular file');
    } catch (e) {
      cliRuntime.err(`electra verify: cannot read ${file}: ${(e as Error).message}\n`);
      return 2;
    }
    await initCrypto();
    // The progress bar is terminal UI, drawn only when stderr is a real terminal.
    const bar = process.stderr.isTTY ? terminalProgressBar(process.stderr) : undefined;
    let report: VerificationReport;
    try {
      report = await verifyRecord(() => createReadStream(file, { highWaterMark: 1 << 20 }), {
        executor: workers === 0 ? inlineBallotExecutor : workerPoolExecutor(workers),
        requireComplete: args.values['allow-incomplete'] !== true,
        onProgress: bar ? (p) => bar.update(p) : undefined,
        clock: () => performance.now(),
      });
    } catch (e) {
      // No verdict (e.g. a worker thread died): exit 2 like an unreadable file, never 1 ("invalid").
      bar?.done();
      cliRuntime.err(`electra verify: verification could not run: ${(e as Error).message}\n`);
      return 2;
    } finally {
      bar?.done();
    }
    if (args.values.json) printJson(report);
    else cliRuntime.out(formatReport(file, report));
    return !report.readable ? 2 : report.valid ? 0 : 1;
  },
};

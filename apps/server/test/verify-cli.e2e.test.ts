/**
 * The "Done when" as a test (protocol §11): a complete election run in process (3 trustees,
 * threshold 2, plus Electra's mandatory T_0; voters with credentials, revotes under last-counts, a
 * Benaloh-challenged ballot that is opened and not cast; tally; decryption by T_0 and trustees 1
 * and 3), its record written to a file and checked by a real `electra verify` process: exit 0 for
 * the record, 1 for tampered copies (with the failure's code and place in --json), 2 for files
 * that are not records. ELECTRA_E2E_VOTERS overrides the voter count (scripts/demo-election.sh
 * runs 200; the default keeps the test quick on a busy machine).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  deterministicRandom,
  initCore,
  type Manifest,
  type SimulatedElection,
  serializeRecord,
  simulateElection,
  type VerificationReport,
  verifyRecord,
} from '@electra/core';
import { workerPoolExecutor } from '../src/verify/worker-pool-executor.js';
import { electraProcess, type ProcessResult as Run } from './helpers/electra-process.js';

const VOTERS = Number(process.env.ELECTRA_E2E_VOTERS ?? 40);

const MANIFEST: Manifest = {
  v: 1,
  id: 'union-board-2026',
  title: 'Union board election 2026',
  questions: [
    {
      id: 'chair',
      title: 'Chair (one, or blank)',
      answers: [
        { id: 'ada', label: 'Ada' },
        { id: 'grace', label: 'Grace' },
        { id: 'edsger', label: 'Edsger' },
      ],
      min: 1,
      max: 1,
      blankAllowed: true,
    },
    {
      id: 'board',
      title: 'Board members (up to two)',
      answers: ['alan', 'barbara', 'donald', 'frances', 'ken'].map((id) => ({ id, label: id })),
      min: 0,
      max: 2,
      blankAllowed: false,
    },
  ],
};

const electraVerify = (args: string[]): Promise<Run> => electraProcess(['verify', ...args]);

describe(`a complete election with ${VOTERS} voters, verified by \`electra verify\``, () => {
  let dir: string;
  let election: SimulatedElection;
  let lines: string[];

  before(async () => {
    await initCore();
    dir = await mkdtemp(join(tmpdir(), 'electra-e2e-'));
    election = simulateElection({
      manifest: MANIFEST,
      voters: VOTERS,
      trustees: 3,
      threshold: 2,
      decryptingTrustees: [1, 3],
      revotePolicy: 'last-counts',
      revotes: 3,
      challenges: 1,
      random: deterministicRandom('e2e-election'),
    });
    lines = serializeRecord(election.events).trimEnd().split('\n');
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, content: readonly string[]): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, `${content.join('\n')}\n`);
    return file;
  };

  test('the decrypted result is the plaintext count of the counted ballots', () => {
    assert.deepEqual(election.result, election.expected);
    assert.equal(election.counted, VOTERS);
    assert.equal(election.ballots, VOTERS + 3);
    const totalChair = election.result[0]!.reduce((a, b) => a + b, 0);
    assert.ok(totalChair <= VOTERS);
  });

  test('in process, on two worker threads, the record verifies', async () => {
    const text = lines.join('\n');
    const report = await verifyRecord(() => [text], { executor: workerPoolExecutor(2) });
    assert.deepEqual(report.failures, []);
    assert.equal(report.valid, true);
    assert.deepEqual(report.summary.result, election.expected);
    assert.equal(report.summary.audited, 1);
  });

  test('electra verify exits 0 on the record and prints the verified result', async () => {
    const file = await write('record.jsonl', lines);
    const run = await electraVerify([file, '--workers', '2']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /VALID/);
    assert.match(run.stdout, new RegExp(`question 1: ${election.expected[0]!.join(', ')}`));
  });

  test('electra verify exits 1 on tampered copies, naming code and place', async () => {
    // The result changed (and the chain re-linked would not help: here it is not even re-linked).
    const resultLine = lines.length - 1;
    const result = JSON.parse(lines[resultLine]!);
    result.payload.counts[1][0] += 1;
    const tamperedResult = [...lines];
    tamperedResult[resultLine] = JSON.stringify(result);
    const run1 = await electraVerify([
      await write('result.jsonl', tamperedResult),
      '--json',
      '--workers',
      '0',
    ]);
    assert.equal(run1.code, 1, run1.stderr);
    const report1 = JSON.parse(run1.stdout) as VerificationReport;
    assert.equal(report1.valid, false);
    assert.ok(report1.failures.some((f) => f.code === 'RESULT_MISMATCH' && f.height === resultLine - 1));

    // A ballot removed from the middle of the board.
    const removed = [...lines];
    const ballotLine = lines.findIndex((l, i) => i > 5 && JSON.parse(l).type === 'ballot');
    removed.splice(ballotLine, 1);
    const run2 = await electraVerify([await write('removed.jsonl', removed), '--json', '--workers', '1']);
    assert.equal(run2.code, 1, run2.stderr);
    const report2 = JSON.parse(run2.stdout) as VerificationReport;
    assert.equal(report2.failures[0]!.code, 'CHAIN_EVENT_MISSING');
    assert.equal(report2.failures[0]!.height, ballotLine - 1);
  });

  test('electra verify exits 2 on a file that is not a record, or no file at all', async () => {
    const garbage = await electraVerify([await write('garbage.txt', ['hello, world'])]);
    assert.equal(garbage.code, 2);
    assert.match(garbage.stdout, /UNREADABLE/);
    const missing = await electraVerify([join(dir, 'nope.jsonl')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
  });
});

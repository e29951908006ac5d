/**
 * Record verifier benchmark (issue "verifiable core", protocol §11): `verifyRecord` over records of
 * 1 000 and 10 000 reference ballots R (question 1 "exactly 1 of 3, blank allowed", question 2
 * "0 to 2 of 5") with 1 and 2 worker threads, next to the raw cost of the group operations measured
 * in the same run and the ratio "group operations per verified ballot × their cost / measured time
 * per ballot per thread" (how close the whole verifier runs to the hardware limit).
 * Generating 10 000 ballots takes minutes, so records are cached in the temp dir, keyed by seed.
 *
 * Run: node --conditions=electra-source --import tsx bench/verify.bench.ts [--sizes 1000,10000]
 *      [--threads 1,2] [--seed S]
 */
import {
  closeSync,
  createReadStream,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BallotTask,
  deterministicRandom,
  eventHash,
  groupBackend,
  type Manifest,
  prepareBallotContext,
  recordEventLine,
  recordHeaderLine,
  runBallotBatch,
  simulateElection,
  verifyRecord,
} from '@electra/core';
import { initCrypto } from '../apps/server/src/crypto/init-crypto.js';
import { workerPoolExecutor } from '../apps/server/src/verify/worker-pool-executor.js';
import { countGroupOps, hardwareLimit, measureOpTimes, type OpCounts } from './lib/group-ops.js';

const q = (id: string, n: number, min: number, max: number, blankAllowed: boolean) => ({
  id,
  title: id,
  answers: Array.from({ length: n }, (_, i) => ({ id: `${id}-${i}`, label: `Answer ${i}` })),
  min,
  max,
  blankAllowed,
});
const MANIFEST: Manifest = {
  v: 1,
  id: 'bench-verify',
  title: 'Reference ballot R',
  questions: [q('q1', 3, 1, 1, true), q('q2', 5, 0, 2, false)],
};

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    threads: { type: 'string', default: '1,2' },
    seed: { type: 'string', default: 'bench-verify-1' },
  },
});
const sizes = values.sizes!.split(',').map(Number);
const threads = values.threads!.split(',').map(Number);

/** The record of an election with `voters` ballots, generated once per seed and cached. */
function cachedRecord(voters: number): string {
  const file = join(tmpdir(), `electra-bench-verify-${values.seed}-${voters}.jsonl`);
  if (existsSync(file)) return file;
  process.stdout.write(`generating ${voters} ballots (cached as ${file}) … `);
  const started = performance.now();
  const body = `${file}.body`;
  const fd = openSync(body, 'w');
  let count = 0;
  let head = '';
  simulateElection({
    manifest: MANIFEST,
    voters,
    trustees: 3,
    threshold: 2,
    revotePolicy: 'last-counts',
    random: deterministicRandom(`${values.seed}-${voters}`),
    sink: (event) => {
      writeSync(fd, `${recordEventLine(event)}\n`);
      count++;
      head = eventHash(event);
    },
  });
  closeSync(fd);
  const out = openSync(`${file}.tmp`, 'w');
  writeSync(out, `${recordHeaderLine(count, head)}\n`);
  writeSync(out, readFileSync(body));
  closeSync(out);
  rmSync(body);
  renameSync(`${file}.tmp`, file);
  console.log(`${((performance.now() - started) / 1000).toFixed(0)} s`);
  return file;
}

/** Group operations the ballot check of one reference ballot performs (counted through the backend). */
function opsPerBallot(file: string): OpCounts {
  const lines = readFileSync(file, 'utf8').split('\n', 4);
  const setup = JSON.parse(lines[1]!);
  const ballotLine = JSON.parse(lines[2]!).type === 'ballot' ? lines[2]! : lines[3]!;
  const ctx = prepareBallotContext({ election: setup.payload.election });
  const task: BallotTask = { height: 1, kind: 'ballot', payload: JSON.parse(ballotLine).payload };
  return countGroupOps(() => {
    const r = runBallotBatch(ctx, [task]);
    if (!r.results[0]!.ok) throw new Error(`reference ballot does not verify: ${r.results[0]!.code}`);
  });
}

// The backend the server and its workers use (native libsodium when built, ADR 0008).
await initCrypto();
const be = groupBackend();
const files = new Map(sizes.map((n) => [n, cachedRecord(n)]));
const ops = opsPerBallot(files.get(sizes[0]!)!);

console.log(`\nverifyRecord, reference ballot R; node ${process.version}; backend ${be.name}`);
for (const n of sizes) {
  const file = files.get(n)!;
  for (const t of threads) {
    // The raw costs are measured right before each run, so both see the same machine load.
    const limit = hardwareLimit(ops, measureOpTimes(be));
    if (n === sizes[0] && t === threads[0]) console.log(`group ops per verified ballot: ${limit.describe}`);
    const started = performance.now();
    const report = await verifyRecord(() => createReadStream(file, { highWaterMark: 1 << 20 }), {
      executor: workerPoolExecutor(t),
    });
    const seconds = (performance.now() - started) / 1000;
    if (!report.valid)
      throw new Error(`bench record invalid: ${JSON.stringify(report.failures.slice(0, 3))}`);
    const ballots = report.summary.ballots;
    const perBallotPerThread = (seconds * 1000 * t) / ballots;
    console.log(
      `${String(n).padStart(6)} ballots  ${t} thread${t > 1 ? 's' : ' '}  ${seconds.toFixed(1).padStart(6)} s  ` +
        `${(ballots / seconds).toFixed(0).padStart(5)} ballots/s  ` +
        `hardware-limit ratio ${(limit.ms / perBallotPerThread).toFixed(2)} (group ops ${(limit.ms * 1000).toFixed(0)} µs per ballot)`,
    );
  }
}

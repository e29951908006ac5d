import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  type BallotTask,
  deterministicRandom,
  electionParamsToJSON,
  initCore,
  type Manifest,
  prepareBallotContext,
  runBallotBatch,
  type SimulatedElection,
  simulateElection,
} from '@electra/core';
import { terminalProgressBar } from './progress-bar.js';
import { workerPoolExecutor } from './worker-pool-executor.js';

const MANIFEST: Manifest = {
  v: 1,
  id: 'pool-test',
  title: 'Pool test',
  questions: [
    {
      id: 'q',
      title: 'Q',
      answers: [
        { id: 'a', label: 'A' },
        { id: 'b', label: 'B' },
      ],
      min: 0,
      max: 1,
      blankAllowed: false,
    },
  ],
};

describe('worker-thread ballot executor (protocol §11 steps 7–8)', () => {
  let e: SimulatedElection;
  let tasks: BallotTask[];

  before(async () => {
    await initCore();
    e = simulateElection({
      manifest: MANIFEST,
      voters: 6,
      trustees: 2,
      threshold: 1,
      revotePolicy: 'last-counts',
      challenges: 1,
      random: deterministicRandom('pool-test'),
    });
    tasks = e.events
      .filter((ev) => ev.type === 'ballot' || ev.type === 'audited-ballot')
      .map((ev) => ({ height: ev.height, kind: ev.type as BallotTask['kind'], payload: ev.payload }));
  });

  test('batches verified on two workers give exactly the in-thread results and sums', async () => {
    const context = { election: electionParamsToJSON(e.params) };
    const inline = runBallotBatch(prepareBallotContext(context), tasks);
    const pool = await workerPoolExecutor(2)(context);
    try {
      assert.equal(pool.parallelism, 2);
      const [a, b] = await Promise.all([
        pool.verifyBatch(tasks.slice(0, 3)),
        pool.verifyBatch(tasks.slice(3)),
      ]);
      assert.deepEqual([...a.results, ...b.results], inline.results);
      assert.ok(inline.results.every((r) => r.ok));
      const tampered = {
        ...tasks[1]!,
        payload: { ...(tasks[1]!.payload as object), signature: { c: 'x', z: 'y' } },
      };
      const bad = await pool.verifyBatch([tampered]);
      assert.equal(bad.results[0]!.ok, false);
      assert.equal(bad.results[0]!.code, 'SCALAR_INVALID');
    } finally {
      await pool.close();
    }
  });

  test('a worker that cannot start makes the batch fail instead of hanging', async () => {
    const pool = await workerPoolExecutor(1)({ election: { broken: true } as never });
    try {
      await assert.rejects(pool.verifyBatch(tasks.slice(0, 1)), /ballot worker/);
    } finally {
      await pool.close();
    }
  });

  test('the progress bar draws percent and rate, then clears its line', () => {
    let out = '';
    let t = 0;
    const bar = terminalProgressBar(
      { write: (s: string) => (out += s) } as unknown as NodeJS.WriteStream,
      () => t,
    );
    t = 1000;
    bar.update({ phase: 'events', events: 50, totalEvents: 200, ballotsRead: 40, ballotsVerified: 30 });
    assert.match(out, / 25%/);
    assert.match(out, /50\/200 events/);
    assert.match(out, /30 ballots verified {2}30\/s/);
    bar.done();
    assert.ok(out.endsWith('\r\x1b[K'));
  });
});

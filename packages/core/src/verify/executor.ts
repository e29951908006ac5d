/**
 * Where ballot checks run (protocol §11 steps 7–8). The verifier hands batches to a
 * `BallotExecutor` and keeps streaming; Node plugs in a worker-thread pool (apps/server), a browser
 * a Web Worker pool, tests and small records the in-thread executor below. Executors receive only
 * plain JSON, so any transport that can carry JSON can carry them.
 */
import {
  type BallotBatchResult,
  type BallotTask,
  type BallotTaskContext,
  prepareBallotContext,
  runBallotBatch,
} from './ballot-task.js';

export interface BallotExecutor {
  /** Number of batches worth keeping in flight (≈ number of threads × 2). */
  readonly parallelism: number;
  verifyBatch(tasks: readonly BallotTask[]): Promise<BallotBatchResult>;
  close(): Promise<void>;
}

/** Creates an executor for one election; called once the setup event has been checked. */
export type BallotExecutorFactory = (context: BallotTaskContext) => Promise<BallotExecutor>;

/** Runs batches on the calling thread (yielding to the event loop between batches). */
export const inlineBallotExecutor: BallotExecutorFactory = async (context) => {
  const prepared = prepareBallotContext(context);
  return {
    parallelism: 1,
    async verifyBatch(tasks) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      return runBallotBatch(prepared, tasks);
    },
    async close() {},
  };
};

/**
 * Worker-thread side of the verifier's ballot executor (protocol §11 steps 7–8): receives the
 * election parameters once (workerData), then batches of ballot events, and answers each batch with
 * the core's `runBallotBatch`. All the checking code is @electra/core's; this file is transport.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BallotTask, type BallotTaskContext, prepareBallotContext, runBallotBatch } from '@electra/core';
import { initCrypto } from '../crypto/init-crypto.js';

export interface BatchRequest {
  readonly id: number;
  readonly tasks: readonly BallotTask[];
}

await initCrypto();
const prepared = prepareBallotContext((workerData as { context: BallotTaskContext }).context);
parentPort!.on('message', (request: BatchRequest) => {
  parentPort!.postMessage({ id: request.id, result: runBallotBatch(prepared, request.tasks) });
});

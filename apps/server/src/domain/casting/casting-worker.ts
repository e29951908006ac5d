/**
 * Worker-thread side of the casting verifier (protocol §7.6–7.7): checks one submitted ballot (or
 * audited ballot with its opening) with the core's `runBallotBatch`, off the server's event loop.
 * The election parameters are decoded once per worker and kept by fingerprint (a small LRU), so a
 * busy election costs one decode per thread, not one per ballot. This file is transport only: all
 * the checking code is @electra/core's.
 */
import { parentPort, threadId } from 'node:worker_threads';
import {
  type BallotTask,
  type BallotTaskContext,
  type JsonValue,
  type PreparedBallotContext,
  prepareBallotContext,
  runBallotBatch,
} from '@electra/core';
import { initCrypto } from '../../crypto/init-crypto.js';
import type { WorkerReply, WorkerRequest } from './verification-pool.js';

const MAX_CONTEXTS = 32;
const contexts = new Map<string, PreparedBallotContext>();

function contextFor(key: string, context: BallotTaskContext | undefined): PreparedBallotContext | undefined {
  const cached = contexts.get(key);
  if (cached) {
    contexts.delete(key);
    contexts.set(key, cached);
    return cached;
  }
  if (!context) return undefined;
  const prepared = prepareBallotContext(context);
  contexts.set(key, prepared);
  if (contexts.size > MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
  return prepared;
}

await initCrypto();
parentPort!.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const ctx = contextFor(request.key, request.context);
    if (!ctx) reply = { id: request.id, missing: true };
    else {
      const task: BallotTask = { height: 0, kind: request.kind, payload: request.payload as JsonValue };
      const started = performance.now();
      const result = runBallotBatch(ctx, [task]).results[0]!;
      reply = { id: request.id, result, threadId, seconds: (performance.now() - started) / 1000 };
    }
  } catch (e) {
    reply = { id: request.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});

/**
 * One thread of the verifier's ballot pool (protocol §11 steps 7–8): it receives the election context
 * once, then batches of ballot tasks, and answers each batch with `runBallotBatch`'s plain-JSON result.
 */
/// <reference lib="webworker" />
import {
  type BallotTask,
  type BallotTaskContext,
  initCore,
  type PreparedBallotContext,
  prepareBallotContext,
  runBallotBatch,
} from '@electra/core';

declare const self: DedicatedWorkerGlobalScope;

type In = { id: number; context: BallotTaskContext } | { id: number; tasks: BallotTask[] };

let prepared: PreparedBallotContext | undefined;
const ready = initCore();

self.onmessage = async (e: MessageEvent<In>) => {
  const m = e.data;
  try {
    await ready;
    if ('context' in m) {
      prepared = prepareBallotContext(m.context);
      self.postMessage({ id: m.id, ok: true });
    } else {
      if (!prepared) throw new Error('ballot worker: no context');
      self.postMessage({ id: m.id, ok: true, result: runBallotBatch(prepared, m.tasks) });
    }
  } catch (err) {
    self.postMessage({ id: m.id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
};

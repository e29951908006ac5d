/**
 * The casting path's verifier (ARCHITECTURE §5): a fixed pool of worker threads that check submitted
 * ballots and audited ballots with the core, so proof verification (milliseconds of CPU per ballot)
 * never runs on the event loop that serves every other request. Each request goes to the worker
 * with the least work queued; a worker that does not know the election yet answers `missing` and
 * gets the parameters once. A worker that crashes fails its pending requests and is replaced.
 * `stats` counts what ran where, so tests can prove the main thread never verified a ballot.
 */
import { Worker } from 'node:worker_threads';
import type { BallotTaskContext, BallotTaskResult } from '@electra/core';

export interface WorkerRequest {
  readonly id: number;
  /** The election fingerprint: the key the worker caches the decoded parameters under. */
  readonly key: string;
  /** Sent only when the worker said it does not know `key`. */
  readonly context?: BallotTaskContext;
  readonly kind: 'ballot' | 'audited-ballot';
  readonly payload: unknown;
}

export type WorkerReply =
  | {
      readonly id: number;
      readonly result: BallotTaskResult;
      readonly threadId: number;
      readonly seconds: number;
    }
  | { readonly id: number; readonly missing: true }
  | { readonly id: number; readonly error: string };

export interface VerifiedTask extends BallotTaskResult {
  /** The worker thread that verified it (never 0, the main thread). */
  readonly threadId: number;
  /** CPU time of the check inside the worker. */
  readonly seconds: number;
}

export interface VerificationElection {
  /** electionFingerprint of the parameters. */
  readonly fingerprint: string;
  readonly context: BallotTaskContext;
}

export interface VerificationPool {
  verify(
    election: VerificationElection,
    kind: 'ballot' | 'audited-ballot',
    payload: unknown,
  ): Promise<VerifiedTask>;
  readonly stats: { verified: number; readonly threadIds: Set<number> };
  readonly threads: number;
  close(): Promise<void>;
}

const sourceMode = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./casting-worker${sourceMode ? '.ts' : '.js'}`, import.meta.url);

// Source mode (tsx: tests, dev): Node 20 does not pass `--import tsx` to worker threads, so the
// worker registers tsx itself before importing its entry (as verify/worker-pool-executor.ts does).
function startWorker(): Worker {
  if (!sourceMode) return new Worker(workerUrl);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); })`;
  return new Worker(bootstrap, { eval: true, execArgv: ['--conditions=electra-source'] });
}

interface Pending {
  readonly request: WorkerRequest;
  readonly election: VerificationElection;
  resolve(result: VerifiedTask): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  readonly pending: Map<number, Pending>;
}

export function createVerificationPool(threads: number): VerificationPool {
  if (!Number.isSafeInteger(threads) || threads < 1)
    throw new RangeError('verification pool: threads must be ≥ 1');
  let nextId = 0;
  let closed = false;
  const stats = { verified: 0, threadIds: new Set<number>() };
  const slots: Slot[] = [];

  const attach = (slot: Slot): void => {
    const { worker } = slot;
    worker.on('message', (reply: WorkerReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      if ('missing' in reply) {
        worker.postMessage({ ...p.request, context: p.election.context } satisfies WorkerRequest);
        return;
      }
      slot.pending.delete(reply.id);
      if ('error' in reply) p.reject(new Error(`ballot verification failed: ${reply.error}`));
      else {
        stats.verified++;
        stats.threadIds.add(reply.threadId);
        p.resolve({ ...reply.result, threadId: reply.threadId, seconds: reply.seconds });
      }
    });
    const fail = (error: Error): void => {
      for (const p of slot.pending.values()) p.reject(error);
      slot.pending.clear();
      if (!closed && slot.worker === worker) {
        slot.worker = startWorker();
        attach(slot);
      }
    };
    worker.on('error', (e) => fail(new Error(`ballot worker failed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`ballot worker exited with code ${code}`)));
  };

  for (let i = 0; i < threads; i++) {
    const slot: Slot = { worker: startWorker(), pending: new Map() };
    attach(slot);
    slots.push(slot);
  }

  return {
    stats,
    threads,
    verify(election, kind, payload) {
      if (closed) return Promise.reject(new Error('verification pool is closed'));
      const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const request: WorkerRequest = { id: nextId++, key: election.fingerprint, kind, payload };
      return new Promise<VerifiedTask>((resolve, reject) => {
        slot.pending.set(request.id, { request, election, resolve, reject });
        slot.worker.postMessage(request);
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

/**
 * A `BallotExecutorFactory` (protocol §11) backed by N Node worker threads: the record verifier
 * streams batches of ballots to whichever worker has the least work queued, so ballot proofs are
 * checked on every core while the main thread keeps reading the record. Used by `electra verify`
 * and the verifier benchmark.
 */
import { Worker } from 'node:worker_threads';
import type { BallotBatchResult, BallotExecutor, BallotExecutorFactory, BallotTask } from '@electra/core';

interface Pending {
  resolve(result: BallotBatchResult): void;
  reject(error: Error): void;
}

interface PooledWorker {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

// Built, this module and its worker are .js files. In source mode (tsx: tests, `npm run bench`) they
// are .ts, and Node 20 does not hand `--import tsx` on to worker threads, so the worker registers
// tsx itself before importing its entry.
const sourceMode = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./ballot-worker${sourceMode ? '.ts' : '.js'}`, import.meta.url);

function startWorker(context: unknown): Worker {
  if (!sourceMode) return new Worker(workerUrl, { workerData: { context } });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); })`;
  return new Worker(bootstrap, {
    eval: true,
    workerData: { context },
    execArgv: ['--conditions=electra-source'],
  });
}

/** An executor factory running `threads` worker threads (≥ 1). */
export function workerPoolExecutor(threads: number): BallotExecutorFactory {
  if (!Number.isSafeInteger(threads) || threads < 1)
    throw new RangeError('workerPoolExecutor: threads must be ≥ 1');
  return async (context): Promise<BallotExecutor> => {
    let nextId = 0;
    let failure: Error | undefined;
    const pool: PooledWorker[] = [];
    const failAll = (error: Error): void => {
      failure ??= error;
      for (const w of pool) {
        for (const p of w.pending.values()) p.reject(error);
        w.pending.clear();
      }
    };
    for (let i = 0; i < threads; i++) {
      const worker = startWorker(context);
      const pooled: PooledWorker = { worker, pending: new Map() };
      worker.on('message', (m: { id: number; result: BallotBatchResult }) => {
        const p = pooled.pending.get(m.id);
        pooled.pending.delete(m.id);
        p?.resolve(m.result);
      });
      worker.on('error', (e) => failAll(new Error(`ballot worker failed: ${e.message}`)));
      worker.on('exit', (code) => {
        if (pooled.pending.size > 0) failAll(new Error(`ballot worker exited with code ${code}`));
      });
      pool.push(pooled);
    }
    return {
      parallelism: threads,
      verifyBatch(tasks: readonly BallotTask[]): Promise<BallotBatchResult> {
        if (failure) return Promise.reject(failure);
        const target = pool.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
        const id = nextId++;
        return new Promise((resolve, reject) => {
          target.pending.set(id, { resolve, reject });
          target.worker.postMessage({ id, tasks });
        });
      },
      async close(): Promise<void> {
        await Promise.all(pool.map((w) => w.worker.terminate()));
      },
    };
  };
}

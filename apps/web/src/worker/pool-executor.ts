/**
 * A BallotExecutor over a pool of Web Workers (ballot.worker.ts): the browser counterpart of the
 * server's worker-thread pool (protocol §11). Batches go round-robin; a crashed worker rejects its
 * batches, which makes verifyRecord reject (an infrastructure error, never a verdict).
 */
import type { BallotBatchResult, BallotExecutorFactory, BallotTask } from '@electra/core';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

class PoolThread {
  private readonly worker = new Worker(new URL('./ballot.worker.ts', import.meta.url), { type: 'module' });
  private readonly pending = new Map<number, Pending>();
  private next = 0;

  constructor() {
    this.worker.onmessage = (
      e: MessageEvent<{ id: number; ok: boolean; result?: unknown; message?: string }>,
    ) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      this.pending.delete(e.data.id);
      if (e.data.ok) p.resolve(e.data.result);
      else p.reject(new Error(e.data.message ?? 'ballot worker failed'));
    };
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`ballot worker crashed: ${e.message}`));
      this.pending.clear();
    };
  }

  call(message: Record<string, unknown>): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
  }

  close(): void {
    this.worker.terminate();
  }
}

export function workerPoolExecutor(threads: number): BallotExecutorFactory {
  return async (context) => {
    const pool = Array.from({ length: Math.max(1, threads) }, () => new PoolThread());
    await Promise.all(pool.map((t) => t.call({ context })));
    let turn = 0;
    return {
      parallelism: pool.length * 2,
      async verifyBatch(tasks: readonly BallotTask[]) {
        const thread = pool[turn++ % pool.length]!;
        return (await thread.call({ tasks })) as BallotBatchResult;
      },
      async close() {
        for (const t of pool) t.close();
      },
    };
  };
}

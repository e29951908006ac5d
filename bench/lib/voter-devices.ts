/**
 * The whole-election benchmark's voter devices: a few worker threads that encrypt ballots
 * (bench/lib/voter-device.ts), so voters' work does not share the server's event loop as it would
 * never do in a real election. The entry is TypeScript: the worker registers tsx itself.
 */
import { Worker } from 'node:worker_threads';
import type { BallotJson, ElectionParamsJson, Selection } from '@electra/core';

export interface VoterDevices {
  encrypt(credential: string, electionId: string, choices: Selection): Promise<BallotJson>;
  close(): Promise<void>;
}

export function startVoterDevices(params: ElectionParamsJson, count: number): VoterDevices {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./voter-device.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
  const pending = new Map<number, { resolve(b: BallotJson): void; reject(e: Error): void; worker: Worker }>();
  const load = new Map<Worker, number>();
  const workers = Array.from({ length: count }, () => {
    const w = new Worker(bootstrap, {
      eval: true,
      workerData: { params },
      // @electra/core from its build, on libsodium WebAssembly as in the browser
      execArgv: [],
    });
    load.set(w, 0);
    w.on('message', (m: { id: number; ballot?: BallotJson; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      load.set(w, load.get(w)! - 1);
      if (m.ballot) p?.resolve(m.ballot);
      else p?.reject(new Error(`voter device: ${m.error}`));
    });
    w.on('error', (e) => {
      for (const [id, p] of pending) {
        if (p.worker !== w) continue;
        pending.delete(id);
        p.reject(e);
      }
    });
    return w;
  });
  let nextId = 0;
  return {
    encrypt(credential, electionId, choices) {
      const worker = workers.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
      load.set(worker, load.get(worker)! + 1);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, worker });
        worker.postMessage({ id, credential, electionId, choices });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * The UI side of the crypto worker: `crypto.call('seal', {...})` returns a typed promise; progress
 * updates go to the optional callback. One worker for the app's lifetime (libsodium loads once).
 */
import type { VerifyProgress } from '@electra/core';
import { ApiError } from '../lib/api.js';
import type { RequestName, ResponseMessage, WorkerRequests } from './messages.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  progress?: (p: VerifyProgress) => void;
}

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 1;

function getWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./crypto.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<ResponseMessage>) => {
    const m = e.data;
    const p = pending.get(m.id);
    if (!p) return;
    if ('progress' in m) {
      p.progress?.(m.progress);
      return;
    }
    pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new ApiError(0, m.code, m.message));
  };
  worker.onerror = (e) => {
    for (const p of pending.values()) p.reject(new ApiError(0, 'INTERNAL_ERROR', e.message));
    pending.clear();
    worker = undefined;
  };
  return worker;
}

export function callWorker<N extends RequestName>(
  name: N,
  req: WorkerRequests[N]['req'],
  progress?: (p: VerifyProgress) => void,
): Promise<WorkerRequests[N]['res']> {
  const id = nextId++;
  const w = getWorker();
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
    w.postMessage({ id, name, req });
  });
}

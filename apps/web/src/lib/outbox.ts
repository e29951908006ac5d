/**
 * The outbox of sealed ballots (issue 6, unreliable networks): once a ballot is sealed and the voter
 * pressed "cast", the signed encrypted ballot is written to IndexedDB before the first attempt, and
 * submitted until the server answers — on the `online` event and with exponential backoff. An
 * encrypted ballot reveals nothing, and casting is idempotent (the same ballot gets the same
 * receipt), so resubmitting is always safe. A definitive refusal (4xx) removes it and is reported.
 */
import { ApiError, api } from './api.js';
import type { Receipt } from './types.js';

export interface OutboxItem {
  electionId: string;
  tracker: string;
  ballot: unknown;
  queuedAt: string;
}

const DB = 'electra';
const STORE = 'outbox';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'tracker' });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = fn(t.objectStore(STORE));
    t.oncomplete = () => {
      db.close();
      resolve(req.result);
    };
    t.onerror = () => reject(t.error);
  });
}

export const outbox = {
  put: (item: OutboxItem) => tx('readwrite', (s) => s.put(item)).then(() => undefined),
  remove: (tracker: string) => tx('readwrite', (s) => s.delete(tracker)).then(() => undefined),
  all: () => tx<OutboxItem[]>('readonly', (s) => s.getAll() as IDBRequest<OutboxItem[]>),
};

export type DeliveryEvent =
  | { kind: 'waiting'; retryInMs: number; offline: boolean }
  | { kind: 'delivered'; receipt: Receipt }
  | { kind: 'refused'; error: ApiError }
  | { kind: 'signin'; error: ApiError };

function isTransient(e: unknown): boolean {
  return (
    e instanceof ApiError && (e.code === 'NETWORK' || e.status >= 500 || e.status === 429 || e.status === 408)
  );
}

/** The session ended (401): the ballot stays queued and goes out after the next sign-in. */
function needsSignIn(e: unknown): boolean {
  return e instanceof ApiError && e.status === 401;
}

/**
 * Submit an outbox item until the server answers definitively. The item stays in IndexedDB until
 * then, so a closed tab resumes on the next visit (resumePending).
 */
export async function deliver(
  item: OutboxItem,
  onEvent: (e: DeliveryEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  let delay = 1000;
  for (;;) {
    if (signal?.aborted) return;
    try {
      const receipt = await api<Receipt>(`/api/elections/${item.electionId}/ballots`, { body: item.ballot });
      await outbox.remove(item.tracker);
      onEvent({ kind: 'delivered', receipt });
      return;
    } catch (e) {
      if (needsSignIn(e)) {
        onEvent({ kind: 'signin', error: e as ApiError });
        return;
      }
      if (!isTransient(e)) {
        await outbox.remove(item.tracker);
        onEvent({
          kind: 'refused',
          error: e instanceof ApiError ? e : new ApiError(0, 'INTERNAL_ERROR', String(e)),
        });
        return;
      }
      const offline = !navigator.onLine;
      onEvent({ kind: 'waiting', retryInMs: delay, offline });
      await waitForRetry(delay, signal);
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

/** Resolves after `ms`, or as soon as the browser reports it is back online. */
function waitForRetry(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    window.addEventListener('online', done);
    signal?.addEventListener('abort', done);
  });
}

/** The last receipt of this device for an election (shown by the receipt page). */
export function saveReceipt(electionId: string, receipt: Receipt): void {
  localStorage.setItem(`electra.receipt.${electionId}`, JSON.stringify(receipt));
}

export function loadReceipt(electionId: string): Receipt | null {
  const raw = localStorage.getItem(`electra.receipt.${electionId}`);
  return raw ? (JSON.parse(raw) as Receipt) : null;
}

/** Delivers ballots an earlier visit left in the outbox (tab closed while offline). */
export async function resumeOutbox(): Promise<void> {
  let items: OutboxItem[];
  try {
    items = await outbox.all();
  } catch {
    return;
  }
  for (const item of items) {
    void deliver(item, (e) => {
      if (e.kind === 'delivered') saveReceipt(item.electionId, e.receipt);
    });
  }
}

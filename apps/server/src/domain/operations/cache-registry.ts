/**
 * In-process caches that an operator may need to drop on every replica at once (`electra
 * cache:clear`, the runbook's `cache.clear()`). A module that keeps a cache registers a clear
 * function here; the settings watcher calls `clearAll()` when the database-held cache epoch changes,
 * so one CLI call reaches every replica within a poll interval without any replica-to-replica
 * messaging. A clear function that throws is reported and does not stop the others.
 */

export type ClearFn = () => void | Promise<void>;

export interface CacheClearReport {
  cleared: string[];
  failed: { name: string; error: string }[];
}

export class CacheRegistry {
  private readonly caches = new Map<string, ClearFn>();

  /** Register `clear` under a unique `name` (e.g. 'auth.key-ring'); returns an unregister function. */
  register(name: string, clear: ClearFn): () => void {
    if (this.caches.has(name)) throw new Error(`cache ${name} is already registered`);
    this.caches.set(name, clear);
    return () => {
      if (this.caches.get(name) === clear) this.caches.delete(name);
    };
  }

  names(): string[] {
    return [...this.caches.keys()].sort();
  }

  async clearAll(): Promise<CacheClearReport> {
    const report: CacheClearReport = { cleared: [], failed: [] };
    for (const [name, clear] of [...this.caches].sort(([a], [b]) => a.localeCompare(b))) {
      try {
        await clear();
        report.cleared.push(name);
      } catch (e) {
        report.failed.push({ name, error: (e as Error)?.message ?? String(e) });
      }
    }
    return report;
  }
}

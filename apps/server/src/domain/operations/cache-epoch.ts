/**
 * `electra cache:clear` across replicas: a counter in `settings` (key `cache.epoch`). The CLI bumps
 * it (audited, one transaction); every replica's settings watcher sees the new value at its next
 * poll and drops every cache in its CacheRegistry. A replica that starts later simply records the
 * current epoch: its caches are empty anyway.
 */
import type { Database } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import { lockSetting, readSetting, SETTING_CACHE_EPOCH, writeSetting } from './settings.repository.js';

export interface CacheEpoch {
  readonly epoch: number;
  readonly at: string | null;
  readonly by: string | null;
}

export function parseCacheEpoch(value: unknown): CacheEpoch {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    epoch: typeof v.epoch === 'number' && Number.isSafeInteger(v.epoch) ? v.epoch : 0,
    at: typeof v.at === 'string' ? v.at : null,
    by: typeof v.by === 'string' ? v.by : null,
  };
}

/** Increments the epoch; every replica clears its caches at its next poll. */
export async function bumpCacheEpoch(
  db: Database,
  audit: AuditSink,
  req: { actor: string; now: number; reason?: string },
): Promise<CacheEpoch> {
  return db.transaction('cache.bump_epoch', async (tx) => {
    await lockSetting(tx, SETTING_CACHE_EPOCH);
    const row = await readSetting(tx, SETTING_CACHE_EPOCH);
    const current = parseCacheEpoch(row?.value);
    const next: CacheEpoch = { epoch: current.epoch + 1, at: new Date(req.now).toISOString(), by: req.actor };
    await writeSetting(tx, SETTING_CACHE_EPOCH, next);
    await audit.append(
      {
        actor: req.actor,
        action: 'cache.cleared',
        target: 'cache',
        details: { epoch: next.epoch, ...(req.reason ? { reason: req.reason } : {}) },
      },
      tx,
    );
    return next;
  });
}

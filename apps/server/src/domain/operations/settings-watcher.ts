/**
 * What every replica must learn from the database within seconds, read by one small poll (every
 * 2 s by default, one indexed query): maintenance mode, the cache epoch and the time of the last
 * successful backup. Polling rather than LISTEN/NOTIFY keeps it working through poolers and
 * failovers (a NOTIFY sent while a replica was reconnecting would be lost; a poll never is), and
 * the cost is one primary-key lookup per replica every 2 s. When a poll fails (database down) the
 * last known state is kept: a replica does not leave maintenance because the database hiccuped.
 */

import type { MinimalLogger } from '../../observability/logger.js';
import type { Queryable } from '../../store/database.js';
import { parseCacheEpoch } from './cache-epoch.js';
import type { CacheRegistry } from './cache-registry.js';
import { MAINTENANCE_OFF, type MaintenanceState, parseMaintenance } from './maintenance.js';
import {
  readSettings,
  SETTING_BACKUP_LAST_SUCCESS,
  SETTING_CACHE_EPOCH,
  SETTING_MAINTENANCE,
} from './settings.repository.js';

export const DEFAULT_SETTINGS_POLL_MS = 2000;

/** The read side the HTTP layer and the metrics use. */
export interface OperationsState {
  maintenance(): MaintenanceState;
  /** Unix seconds of the last successful `electra db:backup`; 0 when none ever succeeded. */
  backupLastSuccessSeconds(): number;
}

export const STATIC_OPERATIONS_STATE: OperationsState = {
  maintenance: () => MAINTENANCE_OFF,
  backupLastSuccessSeconds: () => 0,
};

export interface SettingsWatcherOptions {
  db: Queryable;
  caches: CacheRegistry;
  intervalMs?: number;
  logger?: MinimalLogger;
}

export class SettingsWatcher implements OperationsState {
  private state: MaintenanceState = MAINTENANCE_OFF;
  private backupAt = 0;
  private epoch: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private failing = false;
  private stopped = false;

  constructor(private readonly opts: SettingsWatcherOptions) {}

  maintenance(): MaintenanceState {
    return this.state;
  }

  backupLastSuccessSeconds(): number {
    return this.backupAt;
  }

  /** First read (awaited, so a replica starting during maintenance never serves), then the poll. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.stopped || this.timer) return;
    this.timer = setInterval(() => {
      void this.refresh();
    }, this.opts.intervalMs ?? DEFAULT_SETTINGS_POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One poll; concurrent calls share it. Never throws. */
  refresh(): Promise<void> {
    this.polling ??= this.poll().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async poll(): Promise<void> {
    const log = this.opts.logger;
    let rows: Awaited<ReturnType<typeof readSettings>>;
    try {
      rows = await readSettings(this.opts.db, [
        SETTING_MAINTENANCE,
        SETTING_CACHE_EPOCH,
        SETTING_BACKUP_LAST_SUCCESS,
      ]);
    } catch (err) {
      if (!this.failing) log?.warn({ err }, 'reading the settings failed; keeping the last known state');
      this.failing = true;
      return;
    }
    if (this.failing) log?.info({}, 'settings readable again');
    this.failing = false;

    const next = parseMaintenance(rows.get(SETTING_MAINTENANCE)?.value);
    if (next.enabled !== this.state.enabled)
      log?.warn(
        { maintenance: next.enabled, since: next.since, by: next.by },
        next.enabled ? 'maintenance mode on: answering 503' : 'maintenance mode off: serving again',
      );
    this.state = next;

    const backup = rows.get(SETTING_BACKUP_LAST_SUCCESS)?.value as { at?: unknown } | undefined;
    const at = typeof backup?.at === 'string' ? Date.parse(backup.at) : Number.NaN;
    this.backupAt = Number.isFinite(at) ? Math.floor(at / 1000) : 0;

    const epoch = parseCacheEpoch(rows.get(SETTING_CACHE_EPOCH)?.value).epoch;
    if (this.epoch !== undefined && epoch !== this.epoch) {
      const report = await this.opts.caches.clearAll();
      if (report.failed.length > 0) log?.error({ epoch, ...report }, 'cache clear: some caches failed');
      else log?.warn({ epoch, cleared: report.cleared }, 'cache clear requested: in-process caches dropped');
    }
    this.epoch = epoch;
  }
}

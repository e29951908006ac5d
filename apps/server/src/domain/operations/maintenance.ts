/**
 * Maintenance mode (ARCHITECTURE §7): one row in `settings` (key `maintenance`) that every replica
 * reads through the settings watcher, so `electra maintenance on` is obeyed everywhere within a
 * poll interval. Switching is audited in the same transaction, and each entry names the elections
 * that were open at that moment: elections are never extended automatically, so the officer must
 * see in the audit log (and at `GET /api/maintenance`) that voting was paused, and for how long,
 * and decide whether to move the closing time.
 */

import type { Database, Queryable } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import {
  lockSetting,
  openElectionIds,
  readSetting,
  SETTING_MAINTENANCE,
  writeSetting,
} from './settings.repository.js';

export const DEFAULT_MAINTENANCE_MESSAGE =
  'Electra is down for maintenance. Please try again in a few minutes.';
export const DEFAULT_RETRY_AFTER_SECONDS = 300;
export const MAX_MAINTENANCE_MESSAGE = 500;

export interface MaintenanceState {
  readonly enabled: boolean;
  readonly message: string;
  readonly retryAfterSeconds: number;
  /** ISO time maintenance was switched on (or off, when disabled); null when never switched. */
  readonly since: string | null;
  /** Who switched it last ('cli', a user id). */
  readonly by: string | null;
}

export const MAINTENANCE_OFF: MaintenanceState = Object.freeze({
  enabled: false,
  message: '',
  retryAfterSeconds: 0,
  since: null,
  by: null,
});

/** Decodes the stored JSON defensively: anything unexpected counts as "off". */
export function parseMaintenance(value: unknown): MaintenanceState {
  if (typeof value !== 'object' || value === null) return MAINTENANCE_OFF;
  const v = value as Record<string, unknown>;
  const enabled = v.enabled === true;
  const retry = typeof v.retryAfterSeconds === 'number' && v.retryAfterSeconds > 0 ? v.retryAfterSeconds : 0;
  return {
    enabled,
    message: typeof v.message === 'string' ? v.message.slice(0, MAX_MAINTENANCE_MESSAGE) : '',
    retryAfterSeconds: enabled ? Math.floor(retry) || DEFAULT_RETRY_AFTER_SECONDS : 0,
    since: typeof v.since === 'string' ? v.since : null,
    by: typeof v.by === 'string' ? v.by : null,
  };
}

export async function readMaintenance(q: Queryable): Promise<MaintenanceState> {
  const row = await readSetting(q, SETTING_MAINTENANCE);
  return row ? parseMaintenance(row.value) : MAINTENANCE_OFF;
}

export interface SwitchMaintenance {
  enabled: boolean;
  message?: string;
  retryAfterSeconds?: number;
  actor: string;
  requestId?: string;
  /** Milliseconds since the epoch. */
  now: number;
}

export interface SwitchResult {
  state: MaintenanceState;
  previous: MaintenanceState;
  /** Elections open at the time of the switch (the officer must decide about their closing time). */
  openElections: string[];
  /** Seconds maintenance lasted, when this call ended it. */
  durationSeconds?: number;
}

export async function switchMaintenance(
  db: Database,
  audit: AuditSink,
  req: SwitchMaintenance,
): Promise<SwitchResult> {
  const message = (req.message ?? DEFAULT_MAINTENANCE_MESSAGE).trim();
  if (req.enabled && (message.length === 0 || message.length > MAX_MAINTENANCE_MESSAGE))
    throw new RangeError(`the maintenance message must have 1 to ${MAX_MAINTENANCE_MESSAGE} characters`);
  const retry = req.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  if (!Number.isInteger(retry) || retry < 1 || retry > 86_400)
    throw new RangeError('retry-after must be a whole number of seconds between 1 and 86400');
  return db.transaction('maintenance.switch', async (tx) => {
    // Serialise concurrent switches so the audit trail reads on/off/on, never on/on.
    await lockSetting(tx, SETTING_MAINTENANCE);
    const previous = await readMaintenance(tx);
    const openElections = await openElectionIds(tx);
    const since = new Date(req.now).toISOString();
    const state: MaintenanceState = req.enabled
      ? { enabled: true, message, retryAfterSeconds: retry, since, by: req.actor }
      : { enabled: false, message: '', retryAfterSeconds: 0, since, by: req.actor };
    await writeSetting(tx, SETTING_MAINTENANCE, state);
    let durationSeconds: number | undefined;
    if (!req.enabled && previous.enabled && previous.since)
      durationSeconds = Math.max(0, Math.round((req.now - Date.parse(previous.since)) / 1000));
    await audit.append(
      {
        actor: req.actor,
        action: req.enabled ? 'maintenance.started' : 'maintenance.ended',
        target: 'maintenance',
        requestId: req.requestId ?? null,
        details: {
          ...(req.enabled ? { message, retryAfterSeconds: retry } : {}),
          wasEnabled: previous.enabled,
          ...(durationSeconds !== undefined ? { durationSeconds } : {}),
          openElections,
          note:
            openElections.length > 0
              ? 'open elections are not extended automatically; officers decide whether to move their closing time'
              : 'no election was open',
        },
      },
      tx,
    );
    return { state, previous, openElections, durationSeconds };
  });
}

/**
 * The `settings` table (0001_init.sql): small JSON values shared by every replica and the CLI —
 * maintenance mode, the cache epoch, the last successful backup. Values are read on demand or by
 * the settings watcher's poll, never cached across processes, so a change made anywhere is obeyed
 * everywhere within a poll interval.
 */
import type { Queryable } from '../../store/database.js';

export const SETTING_MAINTENANCE = 'maintenance';
export const SETTING_CACHE_EPOCH = 'cache.epoch';
export const SETTING_BACKUP_LAST_SUCCESS = 'backup.last_success';

export interface SettingRow {
  key: string;
  value: unknown;
  updatedAt: Date;
}

export async function readSettings(q: Queryable, keys: readonly string[]): Promise<Map<string, SettingRow>> {
  const { rows } = await q.query<{ key: string; value: unknown; updated_at: Date }>(
    'settings.read',
    'SELECT key, value, updated_at FROM settings WHERE key = ANY($1::text[])',
    [keys],
  );
  return new Map(rows.map((r) => [r.key, { key: r.key, value: r.value, updatedAt: r.updated_at }]));
}

export async function readSetting(q: Queryable, key: string): Promise<SettingRow | undefined> {
  return (await readSettings(q, [key])).get(key);
}

export async function writeSetting(q: Queryable, key: string, value: unknown): Promise<void> {
  await q.query(
    'settings.write',
    `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}

/** Serialises writers of one setting until the transaction ends (switches audited in order). */
export async function lockSetting(tx: Queryable, key: string): Promise<void> {
  await tx.query('settings.lock', 'SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
}

/** Ids of the elections accepting ballots now (none when the elections table does not exist yet). */
export async function openElectionIds(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ present: boolean }>(
    'settings.elections_table',
    "SELECT to_regclass('public.elections') IS NOT NULL AS present",
  );
  if (!rows[0]?.present) return [];
  const open = await q.query<{ id: string }>(
    'settings.open_elections',
    "SELECT id::text AS id FROM elections WHERE state = 'open' ORDER BY id",
  );
  return open.rows.map((r) => r.id);
}

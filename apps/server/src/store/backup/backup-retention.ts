/**
 * Which backups `electra db:backup --prune` keeps: the newest backup of each of the last N days,
 * of each of the last N ISO weeks and of each of the last N months (grandfather-father-son), plus
 * every backup younger than a day. Pure, so it is tested on dates alone.
 */

export interface RetentionPolicy {
  readonly daily: number;
  readonly weekly: number;
  readonly monthly: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { daily: 7, weekly: 4, monthly: 6 };

const DAY_MS = 86_400_000;

function isoWeekKey(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${t.getUTCFullYear()}-W${week}`;
}

/** Returns the ids to keep; `backups` are {id, createdAt}. */
export function backupsToKeep(
  backups: readonly { id: string; createdAt: Date }[],
  policy: RetentionPolicy,
  now: Date,
): Set<string> {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const keep = new Set<string>();
  for (const b of newestFirst) if (now.getTime() - b.createdAt.getTime() < DAY_MS) keep.add(b.id);
  const buckets: [number, (d: Date) => string][] = [
    [policy.daily, (d) => d.toISOString().slice(0, 10)],
    [policy.weekly, isoWeekKey],
    [policy.monthly, (d) => d.toISOString().slice(0, 7)],
  ];
  for (const [count, keyOf] of buckets) {
    const seen = new Set<string>();
    for (const b of newestFirst) {
      const k = keyOf(b.createdAt);
      if (seen.has(k)) continue;
      if (seen.size >= count) break;
      seen.add(k);
      keep.add(b.id);
    }
  }
  return keep;
}

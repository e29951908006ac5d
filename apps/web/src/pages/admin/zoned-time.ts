/**
 * Wall-clock times in an election's IANA time zone ↔ instants. A `datetime-local` input gives
 * "2026-03-01T08:00" with no zone; the schedule is meant in the election's zone (not the officer's
 * browser), so the offset of that zone at that moment is found with Intl and the API gets an ISO
 * 8601 instant.
 */
function parts(ms: number, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

function offsetAt(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  return (
    Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000
  );
}

/** "2026-03-01T08:00" meant in `timeZone` → ISO instant (UTC); null for an empty input. */
export function zonedToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  let ms = wall - offsetAt(wall, timeZone);
  ms = wall - offsetAt(ms, timeZone);
  return new Date(ms).toISOString();
}

/** ISO instant → "2026-03-01T08:00" on the wall clock of `timeZone` (for a datetime-local input). */
export function isoToZoned(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const p = parts(Date.parse(iso), timeZone);
  const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two((p.hour ?? 0) % 24)}:${two(p.minute)}`;
}

export function timeZones(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const list = intl.supportedValuesOf?.('timeZone') ?? [];
  const all = new Set(['UTC', ...list]);
  all.add(current);
  return [...all];
}

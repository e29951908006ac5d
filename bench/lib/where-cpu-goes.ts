/**
 * Where a benchmark stage's time goes, on Linux: busy CPU-seconds of the whole machine, and how they
 * split between the server process (all its threads), every PostgreSQL process, and this benchmark
 * process with its children (the simulated voters' devices, the trustees' own machines and the
 * observer's `electra verify` run here); and, from the server's `electra_db_statement_seconds`
 * metric, how many database statements a stage ran and which ones. Outside Linux (no /proc) the
 * CPU figures are left out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Transport } from '../../apps/server/dist/demo/api-client.js';

const TICKS_PER_SECOND = 100;

/**
 * utime + stime of one process (every thread) and of its children that have exited and were waited
 * for (PostgreSQL backends that ended, `electra verify` run by the benchmark), in seconds; undefined
 * when it cannot be read.
 */
function processCpuSeconds(pid: number | string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).reduce((a, v) => a + Number(v), 0) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += processCpuSeconds(pid) ?? 0;
  }
  return total;
}

/** Busy CPU-seconds of the whole machine so far (/proc/stat: every process). */
function machineBusySeconds(): number | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return (f.reduce((a, b) => a + b, 0) - idle) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

export interface CpuReading {
  readonly machine: number | undefined;
  /** undefined when the server's process cannot be read (not Linux, or it has exited) */
  readonly split: { readonly server: number; readonly postgres: number; readonly bench: number } | undefined;
}

/** A reading now; `describeCpuSince(reading, …)` tells the CPU-seconds spent since. */
export function readCpu(serverPid: number | undefined): CpuReading {
  const server = serverPid === undefined ? undefined : processCpuSeconds(serverPid);
  return {
    machine: machineBusySeconds(),
    split:
      server === undefined
        ? undefined
        : { server, postgres: postgresCpuSeconds(), bench: processCpuSeconds(process.pid) ?? 0 },
  };
}

/** `  cpu  12.3 s (server …, postgres …, voters/trustees/observer …)`; the split only with `split`. */
export function describeCpuSince(before: CpuReading, after: CpuReading, split: boolean): string {
  if (before.machine === undefined || after.machine === undefined) return '';
  const f = (x: number) => x.toFixed(1);
  const total = `  cpu ${f(after.machine - before.machine).padStart(6)} s`;
  const b = before.split;
  const a = after.split;
  if (!split || !a || !b) return total;
  return `${total} (server ${f(a.server - b.server)}, postgres ${f(a.postgres - b.postgres)}, voters/trustees/observer ${f(a.bench - b.bench)})`;
}

/** statement name → [count, seconds], from the Prometheus exposition of electra_db_statement_seconds. */
export type StatementTotals = Map<string, [number, number]>;

export async function readStatementTotals(api: Transport): Promise<StatementTotals> {
  const r = await api({ path: '/metrics' });
  const out: StatementTotals = new Map();
  for (const line of r.text.split('\n')) {
    const m = /^electra_db_statement_seconds_(count|sum)\{statement="([^"]+)"\} (\S+)$/.exec(line);
    if (!m) continue;
    const entry = out.get(m[2]!) ?? [0, 0];
    entry[m[1] === 'count' ? 0 : 1] = Number(m[3]);
    out.set(m[2]!, entry);
  }
  return out;
}

/** Statements run between two readings, per unit of work (a voter), the most frequent first. */
export function describeStatements(
  before: StatementTotals,
  after: StatementTotals,
  per: number,
  top = 12,
): string[] {
  const rows: [string, number, number][] = [];
  for (const [name, [count, seconds]] of after) {
    const [c0, s0] = before.get(name) ?? [0, 0];
    if (count > c0) rows.push([name, count - c0, seconds - s0]);
  }
  rows.sort((a, b) => b[1] - a[1]);
  const count = rows.reduce((a, r) => a + r[1], 0);
  const seconds = rows.reduce((a, r) => a + r[2], 0);
  return [
    `    database: ${(count / per).toFixed(1)} statements and ${((seconds / per) * 1000).toFixed(1)} ms of statement wall time per voter`,
    ...rows
      .slice(0, top)
      .map(
        ([name, c, s]) =>
          `      ${(c / per).toFixed(2).padStart(6)} × ${name.padEnd(44)} ${((s / c) * 1000).toFixed(2).padStart(7)} ms each`,
      ),
  ];
}

/**
 * Reading pg_stat_activity for db:activity and db:long-queries: one query, one row shape, and the
 * formatting of a session line. Durations are computed by the server (now() - query_start) so the
 * CLI's clock does not matter; query text is truncated for the terminal, never logged.
 */
import type { Queryable } from '../store/database.js';
import { formatDuration } from './duration.js';

export interface SessionRow {
  [key: string]: unknown;
  pid: number;
  database: string | null;
  user: string | null;
  application: string;
  client: string | null;
  state: string | null;
  /** ms since the current (or last) statement started; null when none. */
  queryMs: number | null;
  /** ms since the open transaction started; null outside a transaction. */
  transactionMs: number | null;
  waitEvent: string | null;
  query: string;
  self: boolean;
}

/** Client backends (not PostgreSQL's own workers), longest-running first. */
export async function listSessions(
  db: Queryable,
  filter: { allDatabases: boolean; minMs?: number },
): Promise<SessionRow[]> {
  const res = await db.query<SessionRow>(
    'cli.pg_stat_activity',
    `SELECT pid,
            datname AS database,
            usename AS "user",
            application_name AS application,
            client_addr::text AS client,
            state,
            (EXTRACT(EPOCH FROM (clock_timestamp() - query_start)) * 1000)::float8 AS "queryMs",
            (EXTRACT(EPOCH FROM (clock_timestamp() - xact_start)) * 1000)::float8 AS "transactionMs",
            CASE WHEN wait_event IS NULL THEN NULL ELSE wait_event_type || ':' || wait_event END AS "waitEvent",
            coalesce(query, '') AS query,
            pid = pg_backend_pid() AS self
       FROM pg_stat_activity
      WHERE backend_type = 'client backend'
        AND ($1::boolean OR datname = current_database())
        AND ($2::float8 IS NULL OR (
              (state = 'active' AND clock_timestamp() - query_start >= $2::float8 * interval '1 millisecond') OR
              (state LIKE 'idle in transaction%' AND clock_timestamp() - xact_start >= $2::float8 * interval '1 millisecond')))
      ORDER BY query_start ASC NULLS LAST, pid`,
    [filter.allDatabases, filter.minMs ?? null],
  );
  return res.rows;
}

/** One line of query text, shortened to `width` characters. */
export function truncateQuery(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(1, width - 1))}…`;
}

/** Table cells for a session (pid, duration, state, user, database, application, wait, query). */
export function sessionCells(s: SessionRow, width: number): string[] {
  const running = s.state === 'active' ? s.queryMs : (s.transactionMs ?? s.queryMs);
  return [
    String(s.pid),
    running == null ? '-' : formatDuration(running),
    s.state ?? '-',
    s.user ?? '-',
    s.database ?? '-',
    s.application || '-',
    s.waitEvent ?? '-',
    truncateQuery(s.query, width),
  ];
}

export const SESSION_HEADERS = [
  'PID',
  'DURATION',
  'STATE',
  'USER',
  'DATABASE',
  'APPLICATION',
  'WAIT',
  'QUERY',
];

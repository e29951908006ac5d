/**
 * Board heads read straight from `board_events` (0006), for backup manifests and the check after a
 * restore. Read dynamically: a database migrated before the boards existed has no such table, and
 * that is not an error (no elections, no heads).
 */
import type pg from 'pg';
import type { BoardHeadEntry } from './backup-manifest.js';

export async function readBoardHeads(client: pg.ClientBase): Promise<BoardHeadEntry[]> {
  const present = await client.query<{ ok: boolean }>(
    "SELECT to_regclass('public.board_events') IS NOT NULL AS ok",
  );
  if (!present.rows[0]?.ok) return [];
  const { rows } = await client.query<{ election_id: string; count: string; hash: string }>(
    `SELECT DISTINCT ON (e.election_id) e.election_id::text AS election_id, (e.height + 1)::text AS count, e.hash
     FROM board_events e ORDER BY e.election_id, e.height DESC`,
  );
  return rows.map((r) => ({ electionId: r.election_id, height: Number(r.count), head: r.hash }));
}

/**
 * Differences between the heads a backup promised and a restored database: every board of the
 * manifest must be there, and its event at the manifest's height must carry the manifest's hash
 * (a board may be longer: pg_dump's snapshot can be taken after the heads were read).
 */
export async function compareBoardHeads(
  client: pg.ClientBase,
  expected: readonly BoardHeadEntry[],
): Promise<string[]> {
  if (expected.length === 0) return [];
  const problems: string[] = [];
  for (const h of expected) {
    const { rows } = await client.query<{ hash: string }>(
      'SELECT hash FROM board_events WHERE election_id = $1 AND height = $2',
      [h.electionId, h.height - 1],
    );
    const got = rows[0]?.hash;
    if (got === undefined) problems.push(`election ${h.electionId}: board shorter than ${h.height} events`);
    else if (got !== h.head)
      problems.push(`election ${h.electionId}: event ${h.height - 1} hash ${got}, manifest says ${h.head}`);
  }
  return problems;
}

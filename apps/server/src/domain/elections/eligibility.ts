/**
 * Who is on an election's roll, decided in one SQL expression over an election row `e` and a user row
 * `u`, so that "may this voter vote", "how many are eligible", "which elections can I see", turnout
 * and reminders all apply exactly the same rule. Only active accounts holding the voter role are ever
 * eligible. Rules (elections.eligibility): `all`; `groups` — for every listed attribute key, the user's
 * attribute (a string, or any element of an array) equals one of the listed values, case-insensitively;
 * `list` — the user is in election_voters.
 */
import type { Queryable } from '../../store/database.js';

/** Boolean SQL over aliases `e` (elections) and `u` (users). */
export const ELIGIBLE_SQL = `(u.disabled_at IS NULL AND 'voter' = ANY(u.roles) AND (
  CASE e.eligibility->>'kind'
    WHEN 'all' THEN true
    WHEN 'list' THEN EXISTS (SELECT 1 FROM election_voters ev WHERE ev.election_id = e.id AND ev.user_id = u.id)
    WHEN 'groups' THEN NOT EXISTS (
      SELECT 1 FROM jsonb_each(e.eligibility->'groups') g(k, vals)
       WHERE NOT (CASE
         WHEN jsonb_typeof(u.attributes->g.k) IN ('string', 'number') THEN
           lower(u.attributes->>g.k) IN (SELECT lower(x) FROM jsonb_array_elements_text(g.vals) x)
         WHEN jsonb_typeof(u.attributes->g.k) = 'array' THEN EXISTS (
           SELECT 1 FROM jsonb_array_elements_text(u.attributes->g.k) a(v)
             JOIN jsonb_array_elements_text(g.vals) b(v) ON lower(a.v) = lower(b.v))
         ELSE false END))
    ELSE false
  END))`;

export interface EligibleVoter {
  userId: string;
  email: string;
  fullName: string;
  attributes: Record<string, unknown>;
}

export interface VoterPage {
  voters: EligibleVoter[];
  /** user id to pass as `after` for the next page; null on the last page */
  next: string | null;
}

export type VoterRefResolution = { userIds: string[]; unknown: { line: number; value: string }[] };

export class EligibilityRepository {
  async isEligible(q: Queryable, electionId: string, userId: string): Promise<boolean> {
    const { rows } = await q.query(
      'eligibility.is_eligible',
      `SELECT 1 FROM elections e, users u WHERE e.id = $1 AND u.id = $2 AND ${ELIGIBLE_SQL}`,
      [electionId, userId],
    );
    return rows.length > 0;
  }

  async countEligible(q: Queryable, electionId: string): Promise<number> {
    const { rows } = await q.query<{ n: string }>(
      'eligibility.count',
      `SELECT count(*) AS n FROM elections e JOIN users u ON ${ELIGIBLE_SQL} WHERE e.id = $1`,
      [electionId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Eligible voters in user-id order, keyset-paged. */
  async eligiblePage(
    q: Queryable,
    electionId: string,
    after: string | null,
    limit: number,
  ): Promise<VoterPage> {
    const { rows } = await q.query<{
      id: string;
      email: string;
      full_name: string;
      attributes: Record<string, unknown>;
    }>(
      'eligibility.page',
      `SELECT u.id, u.email, u.full_name, u.attributes FROM elections e JOIN users u ON ${ELIGIBLE_SQL}
        WHERE e.id = $1 AND ($2::uuid IS NULL OR u.id > $2::uuid) ORDER BY u.id LIMIT $3`,
      [electionId, after, limit + 1],
    );
    const page = rows.slice(0, limit).map((r) => ({
      userId: r.id,
      email: r.email,
      fullName: r.full_name,
      attributes: r.attributes,
    }));
    return { voters: page, next: rows.length > limit ? (page.at(-1)?.userId ?? null) : null };
  }

  /** All eligible voters, streamed page by page (never the whole roll in memory). */
  async *eligibleVoters(q: Queryable, electionId: string, pageSize = 1000): AsyncGenerator<EligibleVoter> {
    let after: string | null = null;
    do {
      const page = await this.eligiblePage(q, electionId, after, pageSize);
      yield* page.voters;
      after = page.next;
    } while (after !== null);
  }

  /** The explicit list (election_voters), keyset-paged, with each entry's account. */
  async listPage(
    q: Queryable,
    electionId: string,
    after: string | null,
    limit: number,
  ): Promise<VoterPage & { total: number }> {
    const { rows } = await q.query<{
      id: string;
      email: string;
      full_name: string;
      attributes: Record<string, unknown>;
    }>(
      'election_voters.page',
      `SELECT u.id, u.email, u.full_name, u.attributes FROM election_voters ev JOIN users u ON u.id = ev.user_id
        WHERE ev.election_id = $1 AND ($2::uuid IS NULL OR u.id > $2::uuid) ORDER BY u.id LIMIT $3`,
      [electionId, after, limit + 1],
    );
    const { rows: count } = await q.query<{ n: string }>(
      'election_voters.count',
      'SELECT count(*) AS n FROM election_voters WHERE election_id = $1',
      [electionId],
    );
    const voters = rows.slice(0, limit).map((r) => ({
      userId: r.id,
      email: r.email,
      fullName: r.full_name,
      attributes: r.attributes,
    }));
    return {
      voters,
      next: rows.length > limit ? (voters.at(-1)?.userId ?? null) : null,
      total: Number(count[0]?.n ?? 0),
    };
  }

  /** Replace the explicit list with these users (inside the caller's transaction). */
  async replaceList(q: Queryable, electionId: string, userIds: readonly string[]): Promise<number> {
    await q.query('election_voters.clear', 'DELETE FROM election_voters WHERE election_id = $1', [
      electionId,
    ]);
    if (userIds.length === 0) return 0;
    const { rowCount } = await q.query(
      'election_voters.insert',
      `INSERT INTO election_voters (election_id, user_id)
       SELECT $1, x FROM unnest($2::uuid[]) x ON CONFLICT DO NOTHING`,
      [electionId, [...new Set(userIds)]],
    );
    return rowCount;
  }

  /** Which of these user ids exist (the rest are reported back, nothing is guessed). */
  async existingUserIds(q: Queryable, userIds: readonly string[]): Promise<Set<string>> {
    const { rows } = await q.query<{ id: string }>(
      'eligibility.existing_users',
      'SELECT id FROM users WHERE id = ANY($1::uuid[])',
      [[...new Set(userIds)]],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Resolve CSV entries (an email, or any identifier value such as a matric number) to user ids. */
  async resolveRefs(
    q: Queryable,
    refs: readonly { line: number; value: string }[],
  ): Promise<VoterRefResolution> {
    const values = [...new Set(refs.map((r) => r.value.trim().toLowerCase()))];
    const { rows } = await q.query<{ ref: string; id: string }>(
      'eligibility.resolve_refs',
      `SELECT lower(email) AS ref, id FROM users WHERE lower(email) = ANY($1::text[])
       UNION ALL
       SELECT lower(value) AS ref, user_id AS id FROM user_identifiers WHERE lower(value) = ANY($1::text[])`,
      [values],
    );
    const byRef = new Map(rows.map((r) => [r.ref, r.id]));
    const userIds: string[] = [];
    const unknown: { line: number; value: string }[] = [];
    for (const r of refs) {
      const id = byRef.get(r.value.trim().toLowerCase());
      if (id) userIds.push(id);
      else unknown.push(r);
    }
    return { userIds, unknown };
  }
}

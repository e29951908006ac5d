/**
 * Who has voted, read from casting's `voters_voted` table (migration 0006: one row per voter who cast a
 * counted ballot, written in the casting transaction). Elections never writes it and never sees a
 * ballot: only (election, voter, time). The table belongs to another part of issue 5, so its presence
 * is checked (and cached once found) instead of assumed, and the time column is looked up by name:
 * until it exists, turnout reports voted counts as unknown and reminders are not sent.
 */
import type { Queryable } from '../../store/database.js';

/** Candidate names of the "when did this voter first vote" column, in order of preference. */
const TIME_COLUMNS = ['first_at', 'voted_at', 'first_voted_at', 'created_at', 'accepted_at', 'cast_at'];

export interface ParticipationSource {
  /**
   * A SQL relation `(election_id, user_id, voted_at)` with one row per voter who voted, or null when
   * participation is not recorded on this database.
   */
  relation(q: Queryable): Promise<string | null>;
  /**
   * A SQL relation `(election_id, user_id)` with a row for each voter who voted, for existence checks
   * (reminders) that must not aggregate the whole table first; null when participation is unknown.
   */
  votedRelation(q: Queryable): Promise<string | null>;
  /** Whether `userId` voted in each of `electionIds` (empty map when unknown). */
  votedIn(q: Queryable, userId: string, electionIds: readonly string[]): Promise<Map<string, boolean> | null>;
}

export class VotersVotedParticipation implements ParticipationSource {
  private found: string | undefined;

  async relation(q: Queryable): Promise<string | null> {
    if (this.found) return this.found;
    const { rows } = await q.query<{ column_name: string }>(
      'participation.columns',
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'voters_voted'`,
    );
    const columns = new Set(rows.map((r) => r.column_name));
    if (!columns.has('election_id') || !columns.has('user_id')) return null;
    const time = TIME_COLUMNS.find((c) => columns.has(c));
    if (!time) return null;
    this.found = `(SELECT election_id, user_id, min(${time}) AS voted_at FROM voters_voted GROUP BY election_id, user_id)`;
    return this.found;
  }

  async votedRelation(q: Queryable): Promise<string | null> {
    return (await this.relation(q)) ? 'voters_voted' : null;
  }

  async votedIn(
    q: Queryable,
    userId: string,
    electionIds: readonly string[],
  ): Promise<Map<string, boolean> | null> {
    const rel = await this.relation(q);
    if (!rel) return null;
    const { rows } = await q.query<{ election_id: string }>(
      'participation.voted_in',
      `SELECT vv.election_id FROM ${rel} vv WHERE vv.user_id = $1 AND vv.election_id = ANY($2::uuid[])`,
      [userId, [...electionIds]],
    );
    const voted = new Set(rows.map((r) => r.election_id));
    return new Map(electionIds.map((id) => [id, voted.has(id)]));
  }
}

/**
 * SQL of voter credentials (migration 0005, protocol §6): the public credential list of an election
 * and, where known, the voter each one belongs to. The table's two unique constraints are the
 * "one voter ↔ one credential" rule; this module turns their violations into typed answers.
 */
import type { Queryable } from '../../store/database.js';

export interface CredentialRow {
  publicCredential: string;
  userId: string | null;
}

export const credentialsRepository = {
  async count(electionId: string, q: Queryable): Promise<{ total: number; bound: number }> {
    const { rows } = await q.query<{ total: string; bound: string }>(
      'credentials.count',
      `SELECT count(*) AS total, count(user_id) AS bound FROM voter_credentials WHERE election_id = $1`,
      [electionId],
    );
    return { total: Number(rows[0]?.total ?? 0), bound: Number(rows[0]?.bound ?? 0) };
  },

  /** The public list, in byte order of the encodings (an order unrelated to the voters'). */
  async publicList(electionId: string, q: Queryable): Promise<string[]> {
    const { rows } = await q.query<{ public_credential: string }>(
      'credentials.public_list',
      `SELECT public_credential FROM voter_credentials WHERE election_id = $1
        ORDER BY public_credential COLLATE "C"`,
      [electionId],
    );
    return rows.map((r) => r.public_credential);
  },

  async usersWithCredential(electionId: string, q: Queryable): Promise<Set<string>> {
    const { rows } = await q.query<{ user_id: string }>(
      'credentials.users',
      'SELECT user_id FROM voter_credentials WHERE election_id = $1 AND user_id IS NOT NULL',
      [electionId],
    );
    return new Set(rows.map((r) => r.user_id));
  },

  /** Managed mode: credentials issued to known voters, in one statement (rows[i] ↔ userIds[i]). */
  async insertBound(
    electionId: string,
    rows: readonly { userId: string; publicCredential: string }[],
    tx: Queryable,
  ): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      'credentials.insert_bound',
      `INSERT INTO voter_credentials (election_id, public_credential, user_id, bound_at)
       SELECT $1, c, u, now() FROM unnest($2::text[], $3::uuid[]) AS t(c, u)`,
      [electionId, rows.map((r) => r.publicCredential), rows.map((r) => r.userId)],
    );
  },

  /**
   * Managed mode: the voter's credential becomes `publicCredential` (the old row, if any, is deleted
   * first). True when one was replaced.
   */
  async replaceForVoter(
    electionId: string,
    userId: string,
    publicCredential: string,
    tx: Queryable,
  ): Promise<boolean> {
    const removed = await tx.query(
      'credentials.delete_voter',
      'DELETE FROM voter_credentials WHERE election_id = $1 AND user_id = $2',
      [electionId, userId],
    );
    await tx.query(
      'credentials.insert_voter',
      `INSERT INTO voter_credentials (election_id, public_credential, user_id, bound_at)
       VALUES ($1, $2, $3, now())`,
      [electionId, publicCredential, userId],
    );
    return removed.rowCount > 0;
  },

  async replaceUnbound(electionId: string, list: readonly string[], tx: Queryable) {
    await tx.query('credentials.clear', 'DELETE FROM voter_credentials WHERE election_id = $1', [electionId]);
    await tx.query(
      'credentials.insert_unbound',
      `INSERT INTO voter_credentials (election_id, public_credential)
       SELECT $1, c FROM unnest($2::text[]) AS t(c)`,
      [electionId, list],
    );
  },

  async find(electionId: string, publicCredential: string, q: Queryable): Promise<CredentialRow | null> {
    const { rows } = await q.query<{ public_credential: string; user_id: string | null }>(
      'credentials.find',
      `SELECT public_credential, user_id FROM voter_credentials
        WHERE election_id = $1 AND public_credential = $2 FOR UPDATE`,
      [electionId, publicCredential],
    );
    const r = rows[0];
    return r ? { publicCredential: r.public_credential, userId: r.user_id } : null;
  },

  async credentialOf(electionId: string, userId: string, q: Queryable): Promise<string | null> {
    const { rows } = await q.query<{ public_credential: string }>(
      'credentials.of_user',
      'SELECT public_credential FROM voter_credentials WHERE election_id = $1 AND user_id = $2',
      [electionId, userId],
    );
    return rows[0]?.public_credential ?? null;
  },

  /**
   * Serializes bindings of one voter in one election (transaction-scoped advisory lock), so two
   * concurrent first ballots of a voter cannot bind two credentials; the credential row itself is
   * locked by `find`.
   */
  async lockVoter(electionId: string, userId: string, tx: Queryable): Promise<void> {
    await tx.query('credentials.lock_voter', `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `electra/credential-binding:${electionId}:${userId}`,
    ]);
  },

  async bind(electionId: string, userId: string, publicCredential: string, tx: Queryable): Promise<boolean> {
    const r = await tx.query(
      'credentials.bind',
      `UPDATE voter_credentials SET user_id = $3, bound_at = now()
        WHERE election_id = $1 AND public_credential = $2 AND user_id IS NULL`,
      [electionId, publicCredential, userId],
    );
    return r.rowCount === 1;
  },
};

/**
 * SQL of the trustee ceremony (migration 0005): the officer's trustee list and threshold, ceremony
 * attempts, the relayed messages and T_0's sealed secrets. Every write takes the caller's transaction,
 * so a message, the phase change it triggers (T_0's automatic moves, completion, failure) and the
 * audit entries commit together. Attempts are serialized by locking the ceremony row (FOR UPDATE).
 */
import type { CeremonyParams, CeremonyTranscript, ThresholdKey } from '@electra/core';
import type { Queryable } from '../../store/database.js';
import type { CeremonyFailureRecord, CeremonyStatus, MessageKind, StoredMessage } from './ceremony-state.js';

export interface TrusteeRow {
  index: number;
  userId: string;
  fullName: string;
  email: string;
}

export interface CeremonyRow {
  id: string;
  electionId: string;
  attempt: number;
  params: CeremonyParams;
  status: CeremonyStatus;
  failure: CeremonyFailureRecord | null;
  transcript: CeremonyTranscript | null;
  thresholdKey: ThresholdKey | null;
  startedAt: Date;
  /** The officer who started the attempt (null for a system actor). */
  startedBy: string | null;
  finishedAt: Date | null;
}

interface CeremonyDbRow extends Record<string, unknown> {
  id: string;
  election_id: string;
  attempt: number;
  params: CeremonyParams;
  status: CeremonyStatus;
  failure: CeremonyFailureRecord | null;
  transcript: CeremonyTranscript | null;
  threshold_key: ThresholdKey | null;
  started_at: Date;
  started_by: string | null;
  finished_at: Date | null;
}

const CEREMONY_COLUMNS =
  'id, election_id, attempt, params, status, failure, transcript, threshold_key, started_at, started_by, finished_at';

function toCeremony(r: CeremonyDbRow): CeremonyRow {
  return {
    id: r.id,
    electionId: r.election_id,
    attempt: r.attempt,
    params: r.params,
    status: r.status,
    failure: r.failure,
    transcript: r.transcript,
    thresholdKey: r.threshold_key,
    startedAt: r.started_at,
    startedBy: r.started_by,
    finishedAt: r.finished_at,
  };
}

export const ceremonyRepository = {
  async setTrustees(electionId: string, threshold: number, userIds: readonly string[], tx: Queryable) {
    await tx.query('ceremony.trustees_clear', 'DELETE FROM election_trustees WHERE election_id = $1', [
      electionId,
    ]);
    await tx.query(
      'ceremony.trustees_insert',
      `INSERT INTO election_trustees (election_id, trustee_index, user_id)
       SELECT $1, ord::int, uid FROM unnest($2::uuid[]) WITH ORDINALITY AS t(uid, ord)`,
      [electionId, userIds],
    );
    await tx.query(
      'ceremony.settings_upsert',
      `INSERT INTO election_trustee_settings (election_id, threshold) VALUES ($1, $2)
       ON CONFLICT (election_id) DO UPDATE SET threshold = EXCLUDED.threshold, updated_at = now()`,
      [electionId, threshold],
    );
  },

  async trustees(
    electionId: string,
    q: Queryable,
  ): Promise<{ threshold: number | null; trustees: TrusteeRow[] }> {
    const settings = await q.query<{ threshold: number }>(
      'ceremony.settings_get',
      'SELECT threshold FROM election_trustee_settings WHERE election_id = $1',
      [electionId],
    );
    const { rows } = await q.query<{
      trustee_index: number;
      user_id: string;
      full_name: string;
      email: string;
    }>(
      'ceremony.trustees_list',
      `SELECT t.trustee_index, t.user_id, u.full_name, u.email
         FROM election_trustees t JOIN users u ON u.id = t.user_id
        WHERE t.election_id = $1 ORDER BY t.trustee_index`,
      [electionId],
    );
    return {
      threshold: settings.rows[0]?.threshold ?? null,
      trustees: rows.map((r) => ({
        index: r.trustee_index,
        userId: r.user_id,
        fullName: r.full_name,
        email: r.email,
      })),
    };
  },

  /** Users that exist and are not disabled, among `ids`. */
  async activeUsers(ids: readonly string[], q: Queryable): Promise<Set<string>> {
    const { rows } = await q.query<{ id: string }>(
      'ceremony.users_active',
      'SELECT id FROM users WHERE id = ANY($1::uuid[]) AND disabled_at IS NULL',
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  },

  async createCeremony(
    electionId: string,
    attempt: number,
    params: CeremonyParams,
    startedBy: string | null,
    tx: Queryable,
  ): Promise<void> {
    await tx.query(
      'ceremony.create',
      `INSERT INTO ceremonies (id, election_id, attempt, params, started_by) VALUES ($1, $2, $3, $4, $5)`,
      [params.ceremonyId, electionId, attempt, JSON.stringify(params), startedBy],
    );
  },

  /** The latest attempt of an election, optionally locked for the transaction. */
  async latest(electionId: string, q: Queryable, forUpdate = false): Promise<CeremonyRow | null> {
    const { rows } = await q.query<CeremonyDbRow>(
      forUpdate ? 'ceremony.latest_locked' : 'ceremony.latest',
      `SELECT ${CEREMONY_COLUMNS} FROM ceremonies WHERE election_id = $1
        ORDER BY attempt DESC LIMIT 1${forUpdate ? ' FOR UPDATE' : ''}`,
      [electionId],
    );
    return rows[0] ? toCeremony(rows[0]) : null;
  },

  /** Attempts still running that started before `cutoff`, oldest first (the deadline's candidates). */
  async runningStartedBefore(
    cutoff: Date,
    limit: number,
    q: Queryable,
  ): Promise<{ id: string; electionId: string }[]> {
    const { rows } = await q.query<{ id: string; election_id: string }>(
      'ceremony.running_started_before',
      `SELECT id, election_id FROM ceremonies WHERE status = 'running' AND started_at <= $1
        ORDER BY started_at LIMIT $2`,
      [cutoff.toISOString(), limit],
    );
    return rows.map((r) => ({ id: r.id, electionId: r.election_id }));
  },

  /** Name and address of an account (for mail to an officer), or null when it no longer exists. */
  async userContact(userId: string, q: Queryable): Promise<{ email: string; fullName: string } | null> {
    const { rows } = await q.query<{ email: string; full_name: string }>(
      'ceremony.user_contact',
      'SELECT email, full_name FROM users WHERE id = $1 AND disabled_at IS NULL',
      [userId],
    );
    return rows[0] ? { email: rows[0].email, fullName: rows[0].full_name } : null;
  },

  async completed(electionId: string, q: Queryable): Promise<CeremonyRow | null> {
    const { rows } = await q.query<CeremonyDbRow>(
      'ceremony.completed',
      `SELECT ${CEREMONY_COLUMNS} FROM ceremonies WHERE election_id = $1 AND status = 'completed'
        ORDER BY attempt DESC LIMIT 1`,
      [electionId],
    );
    return rows[0] ? toCeremony(rows[0]) : null;
  },

  async messages(ceremonyId: string, q: Queryable): Promise<StoredMessage[]> {
    const { rows } = await q.query<{ kind: MessageKind; sender: number; body: Record<string, unknown> }>(
      'ceremony.messages',
      'SELECT kind, sender, body FROM ceremony_messages WHERE ceremony_id = $1 ORDER BY kind, sender',
      [ceremonyId],
    );
    return rows.map((r) => ({ kind: r.kind, sender: r.sender, body: r.body }));
  },

  async insertMessage(ceremonyId: string, kind: MessageKind, sender: number, body: object, tx: Queryable) {
    await tx.query(
      'ceremony.message_insert',
      'INSERT INTO ceremony_messages (ceremony_id, kind, sender, body) VALUES ($1, $2, $3, $4)',
      [ceremonyId, kind, sender, JSON.stringify(body)],
    );
  },

  async storeSealed(ceremonyId: string, sealed: Uint8Array, tx: Queryable): Promise<void> {
    await tx.query(
      'ceremony.secret_store',
      `INSERT INTO ceremony_server_secrets (ceremony_id, sealed) VALUES ($1, $2)
       ON CONFLICT (ceremony_id) DO UPDATE SET sealed = EXCLUDED.sealed`,
      [ceremonyId, Buffer.from(sealed)],
    );
  },

  async readSealed(ceremonyId: string, q: Queryable): Promise<Buffer | null> {
    const { rows } = await q.query<{ sealed: Buffer }>(
      'ceremony.secret_read',
      'SELECT sealed FROM ceremony_server_secrets WHERE ceremony_id = $1',
      [ceremonyId],
    );
    return rows[0]?.sealed ?? null;
  },

  async complete(ceremonyId: string, transcript: CeremonyTranscript, key: ThresholdKey, tx: Queryable) {
    await tx.query(
      'ceremony.complete',
      `UPDATE ceremonies SET status = 'completed', transcript = $2, threshold_key = $3, finished_at = now()
        WHERE id = $1 AND status = 'running'`,
      [ceremonyId, JSON.stringify(transcript), JSON.stringify(key)],
    );
  },

  async fail(ceremonyId: string, failure: CeremonyFailureRecord, tx: Queryable) {
    await tx.query(
      'ceremony.fail',
      `UPDATE ceremonies SET status = 'failed', failure = $2, finished_at = now()
        WHERE id = $1 AND status = 'running'`,
      [ceremonyId, JSON.stringify(failure)],
    );
  },
};

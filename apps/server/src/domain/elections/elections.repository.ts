/**
 * SQL for the `elections` table (migration 0004). Every write that changes an election checks and
 * bumps `version` in the same statement (optimistic concurrency: two officers editing at once cannot
 * silently overwrite each other), and writes to the ballot (manifest, presentation, eligibility) also
 * require `state = 'draft'` in that statement, so a concurrent transition cannot slip between the
 * check and the write.
 */
import type { Manifest } from '@electra/core';
import type { Queryable } from '../../store/database.js';
import type { Election, Eligibility, Presentation } from './election.js';
import type { ElectionState } from './election-state.js';
import type { ValidDraft } from './election-validation.js';
import { ELIGIBLE_SQL } from './eligibility.js';

interface Row extends Record<string, unknown> {
  id: string;
  title: string;
  description: string;
  manifest: Manifest;
  presentation: Presentation;
  state: ElectionState;
  opens_at: Date | null;
  closes_at: Date | null;
  time_zone: string;
  revote_policy: Election['revotePolicy'];
  eligibility: Eligibility;
  credential_mode: Election['credentialMode'];
  fingerprint: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const ELECTION_COLUMNS = `id, title, description, manifest, presentation, state, opens_at, closes_at,
  time_zone, revote_policy, eligibility, credential_mode, fingerprint, created_by, created_at, updated_at, version`;

export function toElection(r: Row): Election {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    manifest: r.manifest,
    presentation: { questions: r.presentation?.questions ?? [] },
    state: r.state,
    opensAt: r.opens_at,
    closesAt: r.closes_at,
    timeZone: r.time_zone,
    revotePolicy: r.revote_policy,
    eligibility: r.eligibility,
    credentialMode: r.credential_mode,
    fingerprint: r.fingerprint,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

export interface ElectionListQuery {
  states?: readonly ElectionState[];
  limit: number;
  /** keyset: elections created before this one (newest first) */
  before?: { createdAt: Date; id: string };
}

export type VersionedWrite =
  | { ok: true; election: Election }
  | { ok: false; code: 'VERSION_CONFLICT' | 'ELECTION_NOT_EDITABLE' | 'ELECTION_NOT_FOUND' };

function draftParams(d: ValidDraft): unknown[] {
  return [
    d.title,
    d.description,
    JSON.stringify(d.manifest),
    JSON.stringify(d.presentation),
    d.opensAt?.toISOString() ?? null,
    d.closesAt?.toISOString() ?? null,
    d.timeZone,
    d.revotePolicy,
    JSON.stringify(d.eligibility),
    d.credentialMode,
  ];
}

export class ElectionsRepository {
  async insert(q: Queryable, id: string, draft: ValidDraft, createdBy: string | null): Promise<Election> {
    const { rows } = await q.query<Row>(
      'elections.insert',
      `INSERT INTO elections (title, description, manifest, presentation, opens_at, closes_at, time_zone,
         revote_policy, eligibility, credential_mode, id, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       RETURNING ${ELECTION_COLUMNS}`,
      [...draftParams(draft), id, createdBy],
    );
    return toElection(rows[0]!);
  }

  async get(q: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<Election | null> {
    const { rows } = await q.query<Row>(
      options.forUpdate ? 'elections.get_for_update' : 'elections.get',
      `SELECT ${ELECTION_COLUMNS} FROM elections WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ? toElection(rows[0]) : null;
  }

  /** Replace the draft if the election is still in draft at `version`. */
  async updateDraft(q: Queryable, id: string, version: number, draft: ValidDraft): Promise<VersionedWrite> {
    const { rows } = await q.query<Row>(
      'elections.update_draft',
      `UPDATE elections SET title = $1, description = $2, manifest = $3, presentation = $4, opens_at = $5,
         closes_at = $6, time_zone = $7, revote_policy = $8, eligibility = $9, credential_mode = $10,
         version = version + 1, updated_at = now()
       WHERE id = $11 AND version = $12 AND state = 'draft'
       RETURNING ${ELECTION_COLUMNS}`,
      [...draftParams(draft), id, version],
    );
    if (rows[0]) return { ok: true, election: toElection(rows[0]) };
    return { ok: false, code: await this.whyNot(q, id, version) };
  }

  /** Bump the version (a change to the voter list) under the same draft/version guard. */
  async touchDraft(q: Queryable, id: string, version: number | undefined): Promise<VersionedWrite> {
    const { rows } = await q.query<Row>(
      'elections.touch_draft',
      `UPDATE elections SET version = version + 1, updated_at = now()
        WHERE id = $1 AND ($2::int IS NULL OR version = $2) AND state = 'draft'
        RETURNING ${ELECTION_COLUMNS}`,
      [id, version ?? null],
    );
    if (rows[0]) return { ok: true, election: toElection(rows[0]) };
    return { ok: false, code: await this.whyNot(q, id, version) };
  }

  private async whyNot(
    q: Queryable,
    id: string,
    version: number | undefined,
  ): Promise<'VERSION_CONFLICT' | 'ELECTION_NOT_EDITABLE' | 'ELECTION_NOT_FOUND'> {
    const current = await this.get(q, id);
    if (!current) return 'ELECTION_NOT_FOUND';
    if (current.state !== 'draft') return 'ELECTION_NOT_EDITABLE';
    return version === undefined || current.version === version
      ? 'ELECTION_NOT_EDITABLE'
      : 'VERSION_CONFLICT';
  }

  /** Move `from` → `to` (the caller checked the lifecycle); null when the row is not in `from`. */
  async setState(q: Queryable, id: string, from: ElectionState, to: ElectionState): Promise<Election | null> {
    const { rows } = await q.query<Row>(
      'elections.set_state',
      `UPDATE elections SET state = $3, version = version + 1, updated_at = now()
        WHERE id = $1 AND state = $2 RETURNING ${ELECTION_COLUMNS}`,
      [id, from, to],
    );
    return rows[0] ? toElection(rows[0]) : null;
  }

  async list(q: Queryable, query: ElectionListQuery): Promise<Election[]> {
    const { rows } = await q.query<Row>(
      'elections.list',
      `SELECT ${ELECTION_COLUMNS} FROM elections
        WHERE ($1::text[] IS NULL OR state = ANY($1::text[]))
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [
        query.states ?? null,
        query.before?.createdAt.toISOString() ?? null,
        query.before?.id ?? null,
        query.limit,
      ],
    );
    return rows.map(toElection);
  }

  /** Elections in `states` whose roll includes this user, soonest first. */
  async listEligibleFor(q: Queryable, userId: string, states: readonly ElectionState[]): Promise<Election[]> {
    const { rows } = await q.query<Row>(
      'elections.list_eligible_for',
      `SELECT e.* FROM elections e, users u
        WHERE u.id = $1 AND e.state = ANY($2::text[]) AND ${ELIGIBLE_SQL}
        ORDER BY e.closes_at DESC NULLS LAST, e.created_at DESC LIMIT 500`,
      [userId, [...states]],
    );
    return rows.map(toElection);
  }

  /** Elections whose scheduled open (ready, opensAt passed) or close (open, closesAt passed) is due. */
  async due(q: Queryable, now: Date, limit: number): Promise<{ id: string; from: 'ready' | 'open' }[]> {
    const { rows } = await q.query<{ id: string; state: 'ready' | 'open' }>(
      'elections.due',
      `(SELECT id, state FROM elections WHERE state = 'ready' AND opens_at <= $1 ORDER BY opens_at LIMIT $2)
       UNION ALL
       (SELECT id, state FROM elections WHERE state = 'open' AND closes_at <= $1 ORDER BY closes_at LIMIT $2)`,
      [now.toISOString(), limit],
    );
    return rows.map((r) => ({ id: r.id, from: r.state }));
  }

  /**
   * Lock the election if it is still in `from` and its scheduled time has passed; null when another
   * transaction holds it (SKIP LOCKED: another replica is acting) or it is no longer due.
   */
  async lockIfDue(q: Queryable, id: string, from: 'ready' | 'open', now: Date): Promise<Election | null> {
    const column = from === 'ready' ? 'opens_at' : 'closes_at';
    const { rows } = await q.query<Row>(
      'elections.lock_if_due',
      `SELECT ${ELECTION_COLUMNS} FROM elections
        WHERE id = $1 AND state = $2 AND ${column} <= $3 FOR UPDATE SKIP LOCKED`,
      [id, from, now.toISOString()],
    );
    return rows[0] ? toElection(rows[0]) : null;
  }
}

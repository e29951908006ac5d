/**
 * The casting path's SQL (protocol §7.6, §9.4): the election facts a ballot is checked against, the
 * frozen credential list, who has voted (never which ballot), the tracker index behind receipts and
 * lookups, and the audited (challenged) ballots that may never be cast. Every write runs inside the
 * caller's transaction, after the board of the election was locked (board.repository.ts), so all
 * checks and appends of one election are serialized and race-free.
 */
import type { ElectionParamsJson, RevotePolicy } from '@electra/core';
import type { Queryable } from '../../store/database.js';
import type { ElectionState } from '../elections/election-state.js';

export interface CastingElection {
  readonly id: string;
  readonly state: ElectionState;
  readonly revotePolicy: RevotePolicy;
  readonly fingerprint: string | null;
  readonly params: ElectionParamsJson | null;
  readonly manifestId: string;
}

export interface StoredReceipt {
  readonly tracker: string;
  readonly height: number;
  readonly castAt: Date;
  readonly keyId: string;
  readonly signature: string;
}

export interface TrackerLocation {
  readonly kind: 'ballot' | 'audited-ballot';
  readonly height: number;
  readonly hash: string;
  /** Cast ballots only: false when a later ballot of the same credential supersedes it (last-counts). */
  readonly counted: boolean | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string): boolean => UUID.test(s);

export async function loadElection(q: Queryable, id: string): Promise<CastingElection | null> {
  if (!isUuid(id)) return null;
  const { rows } = await q.query<{
    id: string;
    state: ElectionState;
    revote_policy: RevotePolicy;
    fingerprint: string | null;
    params: ElectionParamsJson | null;
  }>(
    'casting.election',
    'SELECT id, state, revote_policy, fingerprint, params FROM elections WHERE id = $1',
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    state: r.state,
    revotePolicy: r.revote_policy,
    fingerprint: r.fingerprint,
    params: r.params,
    manifestId: r.id,
  };
}

/**
 * The election's state, share-locked until `tx` ends: a concurrent transition (open → closed) waits
 * for this transaction, so no ballot is accepted after the close committed.
 */
export async function lockElectionState(tx: Queryable, id: string): Promise<ElectionState | null> {
  const { rows } = await tx.query<{ state: ElectionState }>(
    'casting.lock_state',
    'SELECT state FROM elections WHERE id = $1 FOR SHARE',
    [id],
  );
  return rows[0]?.state ?? null;
}

/** First key of the two-key advisory locks taken per voter (distinct from every bigint lock key). */
const VOTER_LOCK_CLASS = 50_106;

/**
 * Serialize one voter's submissions in one election until `tx` ends. Every check that must not race
 * (same tracker resubmitted, a challenged ballot cast, a second vote) concerns ballots of the voter's
 * own credential, so a per-voter lock suffices and different voters only meet at the board's head
 * lock, held just for the append. Hash collisions merely serialize two voters.
 */
export async function lockVoter(tx: Queryable, electionId: string, userId: string): Promise<void> {
  await tx.query('casting.lock_voter', 'SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [
    VOTER_LOCK_CLASS,
    `${electionId}/${userId}`,
  ]);
}

export async function isListedCredential(
  q: Queryable,
  electionId: string,
  credential: string,
): Promise<boolean> {
  const { rowCount } = await q.query(
    'casting.credential_listed',
    'SELECT 1 FROM board_credentials WHERE election_id = $1 AND credential = $2',
    [electionId, credential],
  );
  return rowCount > 0;
}

export async function findReceipt(
  q: Queryable,
  electionId: string,
  tracker: string,
): Promise<StoredReceipt | null> {
  const { rows } = await q.query<{
    tracker: string;
    height: string;
    cast_at: Date;
    receipt_key_id: string;
    signature: string;
  }>(
    'casting.find_receipt',
    `SELECT tracker, height, cast_at, receipt_key_id, signature FROM ballot_index
     WHERE election_id = $1 AND tracker = $2`,
    [electionId, tracker],
  );
  const r = rows[0];
  return r
    ? {
        tracker: r.tracker,
        height: Number(r.height),
        castAt: r.cast_at,
        keyId: r.receipt_key_id,
        signature: r.signature,
      }
    : null;
}

/** True when this tracker or encrypted content was challenged (protocol §7.6). */
export async function isChallenged(
  q: Queryable,
  electionId: string,
  tracker: string,
  ciphertextsHash: string,
): Promise<boolean> {
  const { rowCount } = await q.query(
    'casting.challenged',
    `SELECT 1 FROM audited_ballots WHERE election_id = $1 AND (tracker = $2 OR ciphertexts_hash = $3) LIMIT 1`,
    [electionId, tracker, ciphertextsHash],
  );
  return rowCount > 0;
}

/** True when a cast ballot has this tracker or encrypted content. */
export async function isCast(
  q: Queryable,
  electionId: string,
  tracker: string,
  ciphertextsHash: string,
): Promise<boolean> {
  const { rowCount } = await q.query(
    'casting.cast_exists',
    `SELECT 1 FROM ballot_index WHERE election_id = $1 AND (tracker = $2 OR ciphertexts_hash = $3) LIMIT 1`,
    [electionId, tracker, ciphertextsHash],
  );
  return rowCount > 0;
}

/**
 * Record that the voter voted. Under `forbidden` only a first vote is recorded (false = already
 * voted, the PRIMARY KEY decides); under `last-counts` a revote bumps `count` and `last_at`.
 */
export async function markVoted(
  tx: Queryable,
  electionId: string,
  userId: string,
  at: Date,
  policy: RevotePolicy,
): Promise<boolean> {
  const sql =
    policy === 'forbidden'
      ? `INSERT INTO voters_voted (election_id, user_id, first_at, last_at, count) VALUES ($1, $2, $3, $3, 1)
         ON CONFLICT DO NOTHING`
      : `INSERT INTO voters_voted (election_id, user_id, first_at, last_at, count) VALUES ($1, $2, $3, $3, 1)
         ON CONFLICT (election_id, user_id) DO UPDATE
           SET last_at = EXCLUDED.last_at, count = voters_voted.count + 1`;
  const { rowCount } = await tx.query('casting.mark_voted', sql, [electionId, userId, at]);
  return rowCount > 0;
}

export async function indexBallot(
  tx: Queryable,
  electionId: string,
  b: StoredReceipt & { ciphertextsHash: string; credential: string },
): Promise<void> {
  await tx.query(
    'casting.index_ballot',
    `INSERT INTO ballot_index
       (election_id, tracker, height, ciphertexts_hash, credential, cast_at, receipt_key_id, signature)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [electionId, b.tracker, b.height, b.ciphertextsHash, b.credential, b.castAt, b.keyId, b.signature],
  );
}

export async function findAudited(
  q: Queryable,
  electionId: string,
  tracker: string,
): Promise<{ height: number; hash: string } | null> {
  const { rows } = await q.query<{ height: string; hash: string }>(
    'casting.find_audited',
    `SELECT a.height, e.hash FROM audited_ballots a
     JOIN board_events e ON e.election_id = a.election_id AND e.height = a.height
     WHERE a.election_id = $1 AND a.tracker = $2`,
    [electionId, tracker],
  );
  const r = rows[0];
  return r ? { height: Number(r.height), hash: r.hash } : null;
}

export async function indexAudited(
  tx: Queryable,
  electionId: string,
  a: { tracker: string; ciphertextsHash: string; height: number },
): Promise<void> {
  await tx.query(
    'casting.index_audited',
    'INSERT INTO audited_ballots (election_id, tracker, ciphertexts_hash, height) VALUES ($1, $2, $3, $4)',
    [electionId, a.tracker, a.ciphertextsHash, a.height],
  );
}

/** Where a tracker is on the board (a cast or an audited ballot), or null. */
export async function locateTracker(
  q: Queryable,
  electionId: string,
  tracker: string,
): Promise<TrackerLocation | null> {
  const { rows } = await q.query<{
    kind: 'ballot' | 'audited-ballot';
    height: string;
    hash: string;
    counted: boolean | null;
  }>(
    'casting.locate_tracker',
    `SELECT 'ballot' AS kind, b.height, e.hash,
            NOT EXISTS (SELECT 1 FROM ballot_index l
                        WHERE l.election_id = b.election_id AND l.credential = b.credential AND l.height > b.height)
              AS counted
       FROM ballot_index b JOIN board_events e ON e.election_id = b.election_id AND e.height = b.height
      WHERE b.election_id = $1 AND b.tracker = $2
     UNION ALL
     SELECT 'audited-ballot', a.height, e.hash, NULL
       FROM audited_ballots a JOIN board_events e ON e.election_id = a.election_id AND e.height = a.height
      WHERE a.election_id = $1 AND a.tracker = $2`,
    [electionId, tracker],
  );
  const r = rows[0];
  return r ? { kind: r.kind, height: Number(r.height), hash: r.hash, counted: r.counted } : null;
}

/** Trackers of the ballot and audited-ballot events among `heights`. */
export async function trackersAt(
  q: Queryable,
  electionId: string,
  from: number,
  to: number,
): Promise<Map<number, string>> {
  const { rows } = await q.query<{ height: string; tracker: string }>(
    'casting.trackers_at',
    `SELECT height, tracker FROM ballot_index WHERE election_id = $1 AND height BETWEEN $2 AND $3
     UNION ALL
     SELECT height, tracker FROM audited_ballots WHERE election_id = $1 AND height BETWEEN $2 AND $3`,
    [electionId, from, to],
  );
  return new Map(rows.map((r) => [Number(r.height), r.tracker]));
}

/**
 * SQL for the tally tables of migration 0007: where on the board the encrypted tally, each partial
 * decryption and the result sit, and the verifier's verdicts. The board events themselves are
 * written through casting's board functions in the same transaction as these rows, so the index and
 * the board never disagree. Duplicate partial decryptions are refused by the primary key, not by a
 * read-then-write check, so concurrent submissions by one trustee yield one event.
 */
import type {
  EncryptedTallyPayload,
  PartialDecryption,
  ResultPayload,
  VerificationReport,
} from '@electra/core';
import type { Queryable } from '../../store/database.js';

export interface TallyRow {
  readonly electionId: string;
  readonly tallyHeight: number;
  readonly counted: number;
  readonly encryptedTally: EncryptedTallyPayload;
  readonly startedBy: string;
  readonly startedAt: Date;
  readonly resultHeight: number | null;
  readonly result: ResultPayload | null;
  readonly resultAt: Date | null;
}

export interface PartialRow {
  readonly trustee: number;
  readonly boardHeight: number;
  readonly submittedBy: string | null;
  readonly payload: PartialDecryption;
  readonly createdAt: Date;
}

export interface VerificationRow {
  readonly id: number;
  readonly electionId: string;
  readonly headHeight: number;
  readonly headHash: string;
  readonly valid: boolean;
  readonly report: VerificationReport;
  readonly verifiedBy: string;
  readonly verifiedAt: Date;
}

interface TallyDbRow extends Record<string, unknown> {
  election_id: string;
  tally_height: number;
  counted: number;
  encrypted_tally: EncryptedTallyPayload;
  started_by: string;
  started_at: Date;
  result_height: number | null;
  result: ResultPayload | null;
  result_at: Date | null;
}

interface VerificationDbRow extends Record<string, unknown> {
  id: string;
  election_id: string;
  head_height: number;
  head_hash: string;
  valid: boolean;
  report: VerificationReport;
  verified_by: string;
  verified_at: Date;
}

const toTally = (r: TallyDbRow): TallyRow => ({
  electionId: r.election_id,
  tallyHeight: r.tally_height,
  counted: r.counted,
  encryptedTally: r.encrypted_tally,
  startedBy: r.started_by,
  startedAt: r.started_at,
  resultHeight: r.result_height,
  result: r.result,
  resultAt: r.result_at,
});

const toVerification = (r: VerificationDbRow): VerificationRow => ({
  id: Number(r.id),
  electionId: r.election_id,
  headHeight: r.head_height,
  headHash: r.head_hash,
  valid: r.valid,
  report: r.report,
  verifiedBy: r.verified_by,
  verifiedAt: r.verified_at,
});

export class TallyRepository {
  constructor(private readonly db: Queryable) {}

  async tally(electionId: string, q: Queryable = this.db): Promise<TallyRow | null> {
    const { rows } = await q.query<TallyDbRow>(
      'tally.get',
      'SELECT * FROM election_tallies WHERE election_id = $1',
      [electionId],
    );
    return rows[0] ? toTally(rows[0]) : null;
  }

  async insertTally(
    row: Pick<TallyRow, 'electionId' | 'tallyHeight' | 'counted' | 'encryptedTally' | 'startedBy'>,
    tx: Queryable,
  ): Promise<void> {
    await tx.query(
      'tally.insert',
      `INSERT INTO election_tallies (election_id, tally_height, counted, encrypted_tally, started_by)
       VALUES ($1, $2, $3, $4, $5)`,
      [row.electionId, row.tallyHeight, row.counted, JSON.stringify(row.encryptedTally), row.startedBy],
    );
  }

  async setResult(electionId: string, height: number, result: ResultPayload, tx: Queryable): Promise<void> {
    const { rowCount } = await tx.query(
      'tally.set_result',
      `UPDATE election_tallies SET result_height = $2, result = $3, result_at = now()
        WHERE election_id = $1 AND result IS NULL`,
      [electionId, height, JSON.stringify(result)],
    );
    if (rowCount !== 1) throw new Error(`tally of election ${electionId} already has a result`);
  }

  /** Record an accepted partial decryption; false when this trustee already has one (nothing written). */
  async insertPartial(
    electionId: string,
    partial: { trustee: number; boardHeight: number; submittedBy: string | null; payload: PartialDecryption },
    tx: Queryable,
  ): Promise<boolean> {
    const { rowCount } = await tx.query(
      'tally.insert_partial',
      `INSERT INTO tally_partial_decryptions (election_id, trustee, board_height, submitted_by, payload)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (election_id, trustee) DO NOTHING`,
      [
        electionId,
        partial.trustee,
        partial.boardHeight,
        partial.submittedBy,
        JSON.stringify(partial.payload),
      ],
    );
    return rowCount === 1;
  }

  async hasPartial(electionId: string, trustee: number, q: Queryable = this.db): Promise<boolean> {
    const { rows } = await q.query(
      'tally.has_partial',
      'SELECT 1 FROM tally_partial_decryptions WHERE election_id = $1 AND trustee = $2',
      [electionId, trustee],
    );
    return rows.length > 0;
  }

  async partials(electionId: string, q: Queryable = this.db): Promise<PartialRow[]> {
    const { rows } = await q.query<{
      trustee: number;
      board_height: number;
      submitted_by: string | null;
      payload: PartialDecryption;
      created_at: Date;
    }>(
      'tally.partials',
      `SELECT trustee, board_height, submitted_by, payload, created_at
         FROM tally_partial_decryptions WHERE election_id = $1 ORDER BY trustee`,
      [electionId],
    );
    return rows.map((r) => ({
      trustee: r.trustee,
      boardHeight: r.board_height,
      submittedBy: r.submitted_by,
      payload: r.payload,
      createdAt: r.created_at,
    }));
  }

  async insertVerification(
    v: Pick<VerificationRow, 'electionId' | 'headHeight' | 'headHash' | 'valid' | 'report' | 'verifiedBy'>,
    q: Queryable = this.db,
  ): Promise<VerificationRow> {
    const { rows } = await q.query<VerificationDbRow>(
      'tally.insert_verification',
      `INSERT INTO tally_verifications (election_id, head_height, head_hash, valid, report, verified_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [v.electionId, v.headHeight, v.headHash, v.valid, JSON.stringify(v.report), v.verifiedBy],
    );
    return toVerification(rows[0]!);
  }

  async latestVerification(electionId: string, q: Queryable = this.db): Promise<VerificationRow | null> {
    const { rows } = await q.query<VerificationDbRow>(
      'tally.latest_verification',
      'SELECT * FROM tally_verifications WHERE election_id = $1 ORDER BY id DESC LIMIT 1',
      [electionId],
    );
    return rows[0] ? toVerification(rows[0]) : null;
  }

  /** Lock the election row for the rest of `tx` and read its state (serializes tally steps). */
  async lockElection(electionId: string, tx: Queryable): Promise<string | null> {
    const { rows } = await tx.query<{ state: string }>(
      'tally.lock_election',
      'SELECT state FROM elections WHERE id = $1 FOR UPDATE',
      [electionId],
    );
    return rows[0]?.state ?? null;
  }
}

/**
 * Opening an election's board: the `setup` event at height 0 (protocol §9.2.1), which fixes for good
 * the election parameters, the verified ceremony transcript, the frozen public credential list and
 * the revote policy. Called by the elections `ready → open` transition inside its transaction, so an
 * election is open if and only if its board has a setup event. The credential list is also copied
 * into `board_credentials`, the index the casting path checks each ballot's credential against.
 * The ceremony and credential data come from injected getters (the ceremony module owns them).
 */
import {
  type CeremonyTranscript,
  electionFingerprint,
  Point,
  parseElectionParams,
  type RevotePolicy,
  setupPayload,
} from '@electra/core';
import { initCrypto } from '../../crypto/init-crypto.js';
import type { Queryable } from '../../store/database.js';
import { type AppendResult, appendBoardEvent } from './board.repository.js';

export interface SetupSources {
  /** The public credentials frozen for this election (base64url elements, order unrelated to voters). */
  frozenCredentials(electionId: string, tx: Queryable): Promise<readonly string[]>;
  /** The verified transcript of the election's completed key ceremony (protocol §8.1.6). */
  ceremonyTranscript(electionId: string, tx: Queryable): Promise<CeremonyTranscript>;
}

export type OpenBoard = (electionId: string, tx: Queryable) => Promise<AppendResult>;

/** Build `openBoard(electionId, tx)` over the ceremony's getters. Misuse (no params, bad data) throws. */
export function createOpenBoard(sources: SetupSources): OpenBoard {
  return async (electionId, tx) => {
    await initCrypto();
    const { rows } = await tx.query<{
      params: unknown;
      fingerprint: string | null;
      revote_policy: RevotePolicy;
    }>('board.setup_election', 'SELECT params, fingerprint, revote_policy FROM elections WHERE id = $1', [
      electionId,
    ]);
    const row = rows[0];
    if (!row) throw new Error(`openBoard: no election ${electionId}`);
    if (row.params === null || row.fingerprint === null) {
      throw new Error(`openBoard: election ${electionId} has no parameters (ceremony not completed)`);
    }
    const parsed = parseElectionParams(row.params);
    if (!parsed.ok) throw new Error(`openBoard: stored parameters invalid: ${parsed.code} at ${parsed.path}`);
    if (electionFingerprint(parsed.params) !== row.fingerprint) {
      throw new Error('openBoard: stored fingerprint does not match the stored parameters');
    }
    const transcript = await sources.ceremonyTranscript(electionId, tx);
    const credentials = await sources.frozenCredentials(electionId, tx);
    const points = credentials.map((c) => Point.fromBase64Url(c));
    const payload = setupPayload(parsed.params, transcript, points, row.revote_policy);
    const appended = await appendBoardEvent(electionId, 'setup', payload, tx);
    await tx.query(
      'board.freeze_credentials',
      `INSERT INTO board_credentials (election_id, credential)
       SELECT $1, c FROM unnest($2::text[]) AS c`,
      [electionId, payload.credentials],
    );
    return appended;
  };
}

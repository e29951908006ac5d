/**
 * What the tally needs from the rest of issue 5, as narrow interfaces: the election lifecycle
 * (elections), the board and its record (casting), the trustee roster and Electra's own key share
 * T_0 (ceremony), and the result-published notifier (elections). tally-module.ts binds them to those
 * modules; keeping them narrow lets the tally be tested and reasoned about on its own, and keeps the
 * dependency one-way (nobody needs the tally to build).
 */
import type { BoardEvent, EventType, RecordChunk, SingleTrusteeSecrets } from '@electra/core';
import type { Queryable } from '../../store/database.js';
import type { BoardVotingCounts } from '../board/board.repository.js';
import type { ElectionState } from '../elections/election-state.js';

export interface TallyElection {
  readonly id: string;
  readonly title: string;
  readonly state: ElectionState;
}

export interface TallyElectionsPort {
  getElection(electionId: string, tx?: Queryable): Promise<TallyElection | null>;
  /**
   * Move the election `from` → `to` inside `tx` (checks the lifecycle, bumps the version, audits
   * `election.<to>`); throws when the election is not in `from` any more.
   */
  transition(
    electionId: string,
    from: ElectionState,
    to: ElectionState,
    actor: string,
    tx: Queryable,
  ): Promise<unknown>;
  /** After a transition committed: wakes listeners (the notifier); never throws. */
  committed?(election: TallyElection, from: ElectionState): void;
}

export interface BoardHeadInfo {
  /** Number of events on the board (the height the next event gets). */
  readonly height: number;
  /** Hash of the last event (the genesis parent on an empty board). */
  readonly hash: string;
}

export interface TallyBoardPort {
  /** Append one event inside `tx` (hash-chained, serialized per election). */
  append(
    electionId: string,
    type: EventType,
    payload: unknown,
    tx: Queryable,
  ): Promise<{ readonly height: number; readonly hash: string }>;
  /** The events from `fromHeight` on, in order, streamed (never the whole board in memory). */
  read(electionId: string, fromHeight: number): AsyncIterable<BoardEvent>;
  head(electionId: string, tx?: Queryable): Promise<BoardHeadInfo>;
  /** Ballots before end-ballots (or `before`), counted without reading payloads. */
  votingCounts(electionId: string, before: number, tx?: Queryable): Promise<BoardVotingCounts>;
  /** The election record (protocol §10) as stored, streamed: what `electra verify` would download. */
  record(electionId: string): AsyncIterable<RecordChunk>;
}

export interface TallyTrusteesPort {
  /** Trustee index j ≥ 1 of this user in the election's ceremony, or null when not a trustee. */
  trusteeIndexOf(electionId: string, userId: string): Promise<number | null>;
  /**
   * Electra's own trustee T_0 (protocol §8.1): its secrets of the completed ceremony, opened from
   * the server's sealed store; null when there is no completed ceremony.
   */
  serverTrusteeSecrets(electionId: string): Promise<SingleTrusteeSecrets | null>;
}

export interface ResultsNotifier {
  /** Tell voters (and whoever subscribed) that the results are published. Failures are logged. */
  resultsPublished(electionId: string): Promise<void>;
}

/**
 * The tally feature as one object for buildApp (`tally?: TallyModule`), main.ts and the CLI: the
 * service, its collaborators (for the routes' policy checks) and the optional result notifier. Built
 * from ports so the composition root decides how the board, the ceremony store and the election
 * lifecycle are reached (tally-adapters.ts binds them to casting, ceremony and elections).
 */
import { type RandomSource, systemRandom } from '@electra/core';
import type { Logger } from '../../observability/logger.js';
import type { Database } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import {
  appendBoardEvent,
  boardHead,
  boardVotingCounts,
  streamBoard,
  streamRecord,
} from '../board/board.repository.js';
import { recordVerifier } from './record-verification.js';
import { TallyRepository } from './tally.repository.js';
import { TallyService } from './tally.service.js';
import type {
  ResultsNotifier,
  TallyBoardPort,
  TallyElectionsPort,
  TallyTrusteesPort,
} from './tally-ports.js';

export interface TallyModule {
  readonly service: TallyService;
  readonly elections: TallyElectionsPort;
  readonly trustees: TallyTrusteesPort;
  readonly notifier?: ResultsNotifier;
  readonly logger: Logger;
}

export interface TallyModuleDeps {
  readonly db: Database;
  readonly audit: AuditSink;
  readonly logger: Logger;
  readonly elections: TallyElectionsPort;
  readonly board: TallyBoardPort;
  readonly trustees: TallyTrusteesPort;
  readonly notifier?: ResultsNotifier;
  /** Worker threads for the verifier's ballot proofs (0: on the main thread). */
  readonly verifyThreads: number;
  readonly random?: RandomSource;
  readonly clock?: () => number;
  /** See TallyServiceDeps.finishWaitMs. */
  readonly finishWaitMs?: number;
}

export function createTallyModule(deps: TallyModuleDeps): TallyModule {
  const service = new TallyService({
    db: deps.db,
    repository: new TallyRepository(deps.db),
    elections: deps.elections,
    board: deps.board,
    trustees: deps.trustees,
    audit: deps.audit,
    logger: deps.logger,
    verifier: recordVerifier({ threads: deps.verifyThreads, clock: deps.clock }),
    random: deps.random ?? systemRandom,
    ...(deps.finishWaitMs === undefined ? {} : { finishWaitMs: deps.finishWaitMs }),
  });
  return {
    service,
    elections: deps.elections,
    trustees: deps.trustees,
    ...(deps.notifier ? { notifier: deps.notifier } : {}),
    logger: deps.logger,
  };
}

/**
 * The board port on casting's board functions (domain/board/board.repository.ts): appends serialized
 * per election inside the caller's transaction, reads and the record streamed in pages.
 */
export function tallyBoard(db: Database): TallyBoardPort {
  return {
    append: appendBoardEvent,
    read: (electionId, fromHeight) => streamBoard(db, electionId, fromHeight),
    head: (electionId, tx) => boardHead(tx ?? db, electionId),
    votingCounts: (electionId, before, tx) => boardVotingCounts(tx ?? db, electionId, before),
    async *record(electionId) {
      yield* streamRecord(db, electionId, await boardHead(db, electionId));
    },
  };
}

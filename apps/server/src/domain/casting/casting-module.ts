/**
 * The casting feature assembled (issue 5): the worker-thread verifier, the receipt keys, the casting
 * service, the board functions other features use (`openBoard` for the elections `open` transition,
 * append/read/head/record for the tally) and the board metrics source. main.ts builds it with the
 * elections' eligibility rule and the ceremony's credential getters; `close()` stops the workers.
 */
import { availableParallelism } from 'node:os';
import { type BoardEvent, type BoardHead, type EventType, fromBase64Url, toHex } from '@electra/core';
import { BOARD_CHECKPOINT_INTERVAL, type Metrics } from '../../observability/metrics.js';
import type { PolicyContext } from '../../policies/policy-context.js';
import type { Database, Queryable } from '../../store/database.js';
import { createSecretBox } from '../auth/secret-box.js';
import {
  type AppendResult,
  allBoardHeads,
  appendBoardEvent,
  boardHead,
  readBoard,
  streamBoard,
  streamRecord,
} from '../board/board.repository.js';
import { createOpenBoard, type OpenBoard, type SetupSources } from '../board/open-board.js';
import { type BindCredential, CastingService } from './casting.service.js';
import { ReceiptKeys } from './receipt-keys.js';
import { createVerificationPool, type VerificationPool } from './verification-pool.js';

export interface CastingModuleOptions {
  db: Database;
  /** ELECTRA_KEY_ENCRYPTION_KEY (32 bytes): seals the receipt signing key at rest. */
  keyEncryptionKey: Uint8Array;
  /** The elections' eligibility rule. */
  isEligible(electionId: string, userId: string): Promise<boolean>;
  /** The ceremony's credential ownership check (binds an unbound credential on first use). */
  bindCredential: BindCredential;
  /** The ceremony's frozen credential list and transcript, for the setup event. */
  setup: SetupSources;
  metrics?: Metrics;
  /** Worker threads verifying ballots (default: one per core but one, at least 1, at most 8). */
  verifyThreads?: number;
  clock?: () => number;
  /** The app's policy context (the identity module's `policy`). */
  policy: PolicyContext;
  /** Told when the board metrics cannot be read (the scrape then omits them). */
  onMetricsError?: (err: unknown) => void;
}

export interface BoardAccess {
  /** Append one event inside `tx` (hash-chained, serialized per election). */
  append(electionId: string, type: EventType, payload: unknown, tx: Queryable): Promise<AppendResult>;
  /** Events from `fromHeight` on, streamed in pages (never the whole board in memory). */
  read(electionId: string, fromHeight: number): AsyncIterable<BoardEvent>;
  /** One page of whole events. */
  page(electionId: string, fromHeight: number, limit: number): Promise<BoardEvent[]>;
  head(electionId: string, tx?: Queryable): Promise<BoardHead>;
  /** The election record (protocol §10) of the board as it is now, streamed. */
  record(electionId: string): AsyncIterable<string>;
}

export interface CastingModule {
  /** The policy context its checks use (buildApp refuses a module built with another one). */
  readonly policy: PolicyContext;
  readonly service: CastingService;
  readonly receipts: ReceiptKeys;
  readonly pool: VerificationPool;
  readonly openBoard: OpenBoard;
  readonly board: BoardAccess;
  readonly db: Database;
  close(): Promise<void>;
}

export function createCastingModule(o: CastingModuleOptions): CastingModule {
  const { db, metrics } = o;
  const pool = createVerificationPool(
    o.verifyThreads ?? Math.max(1, Math.min(8, availableParallelism() - 1)),
  );
  const receipts = new ReceiptKeys(db, createSecretBox(o.keyEncryptionKey));
  const service = new CastingService({
    db,
    pool,
    receipts,
    isEligible: o.isEligible,
    bindCredential: o.bindCredential,
    clock: o.clock,
    policy: o.policy,
    metrics: metrics && {
      ballot: (outcome, reason) => metrics.ballotsTotal.inc({ outcome, reason }),
      verification: (seconds) => metrics.ballotVerificationSeconds.observe(seconds),
    },
  });
  metrics?.setBoardSource(async () => {
    try {
      const heads = await allBoardHeads(db, BOARD_CHECKPOINT_INTERVAL);
      return heads.map((h) => ({
        election: h.electionId,
        height: h.height,
        checkpointHeight: h.checkpointHeight,
        checkpointHead: toHex(fromBase64Url(h.checkpointHash)),
      }));
    } catch (err) {
      o.onMetricsError?.(err);
      return [];
    }
  });
  const board: BoardAccess = {
    append: appendBoardEvent,
    read: (electionId, fromHeight) => streamBoard(db, electionId, fromHeight),
    page: (electionId, fromHeight, limit) => readBoard(db, electionId, fromHeight, limit),
    head: (electionId, tx) => boardHead(tx ?? db, electionId),
    async *record(electionId) {
      yield* streamRecord(db, electionId, await boardHead(db, electionId));
    },
  };
  return {
    policy: o.policy,
    service,
    receipts,
    pool,
    openBoard: createOpenBoard(o.setup),
    board,
    db,
    close: () => pool.close(),
  };
}

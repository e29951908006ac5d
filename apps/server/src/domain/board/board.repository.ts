/**
 * The public board of each election in PostgreSQL (protocol §9): append-only, hash-chained events.
 * Every append takes the election's row in `board_heads` FOR UPDATE, builds the next event with the
 * core's `appendEvent(head, type, payload)` and inserts it, so concurrent appends (ballots from any
 * replica, the tally's events) queue per election and the chain never forks; the row lock lasts
 * until the caller's transaction ends, which keeps the event and what it records (the voter has
 * voted, the tally state…) in one commit. Readers stream events in keyset pages and rebuild each
 * event's canonical JSON from its columns: the payload is stored as the canonical JSON that was
 * hashed, and jsonb keeps such JSON (strings, safe integers, no floats) exactly, so a re-read event
 * hashes to the stored hash (checked in tests).
 */
import {
  appendEvent,
  type BoardEvent,
  type BoardHead,
  canonicalJson,
  EMPTY_BOARD_HEAD,
  type EventType,
  recordEventLine,
  recordHeaderLine,
} from '@electra/core';
import type { Queryable } from '../../store/database.js';

export interface StoredEvent {
  readonly height: number;
  readonly type: EventType;
  readonly hash: string;
  readonly parent: string;
  readonly createdAt: Date;
}

export interface AppendResult {
  readonly height: number;
  readonly hash: string;
  readonly event: BoardEvent<unknown>;
}

/** Rows fetched per round trip when streaming a board or a record. */
export const BOARD_STREAM_PAGE = 500;

interface EventRow extends Record<string, unknown> {
  height: string;
  type: EventType;
  payload: unknown;
  parent: string;
  hash: string;
  created_at: Date;
}

/** The head of `electionId`'s board (EMPTY_BOARD_HEAD when nothing was appended yet). */
export async function boardHead(q: Queryable, electionId: string): Promise<BoardHead> {
  const { rows } = await q.query<{ height: string; head: string }>(
    'board.head',
    'SELECT height, head FROM board_heads WHERE election_id = $1',
    [electionId],
  );
  const r = rows[0];
  return r ? { height: Number(r.height), hash: r.head } : EMPTY_BOARD_HEAD;
}

async function lockHead(tx: Queryable, electionId: string): Promise<BoardHead> {
  const select = () =>
    tx.query<{ height: string; head: string }>(
      'board.lock_head',
      'SELECT height, head FROM board_heads WHERE election_id = $1 FOR UPDATE',
      [electionId],
    );
  let { rows } = await select();
  if (rows.length === 0) {
    await tx.query(
      'board.create_head',
      'INSERT INTO board_heads (election_id, height, head) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING',
      [electionId, EMPTY_BOARD_HEAD.hash],
    );
    ({ rows } = await select());
  }
  const r = rows[0]!;
  return { height: Number(r.height), hash: r.head };
}

/**
 * Append one event to the board of `electionId` inside the transaction `tx` (protocol §9.1, §9.3).
 * `setup` goes at height 0 and only there (misuse throws). The payload must be plain JSON.
 */
export async function appendBoardEvent(
  electionId: string,
  type: EventType,
  payload: unknown,
  tx: Queryable,
): Promise<AppendResult> {
  const head = await lockHead(tx, electionId);
  if ((type === 'setup') !== (head.height === 0)) {
    throw new Error(`appendBoardEvent: ${type} cannot go at height ${head.height}`);
  }
  const payloadJson = canonicalJson(payload);
  const appended = appendEvent(head, type, payload);
  // One round trip for the event and the new head: the head's row lock is held until commit.
  await tx.query(
    'board.append',
    `WITH event AS (
       INSERT INTO board_events (election_id, height, type, payload, parent, hash)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6))
     UPDATE board_heads SET height = $7, head = $6 WHERE election_id = $1`,
    [electionId, head.height, type, payloadJson, head.hash, appended.hash, appended.head.height],
  );
  return { height: head.height, hash: appended.hash, event: appended.event };
}

function toEvent(r: EventRow): BoardEvent {
  return { v: 1, height: Number(r.height), parent: r.parent, type: r.type, payload: r.payload as never };
}

/** What closing a board needs to know, counted in the database (no payload is read). */
export interface BoardVotingCounts {
  /** Height of the first `end-ballots` event, or null while voting is open. */
  readonly endBallotsHeight: number | null;
  /** `ballot` events between the setup and end-ballots (or `before`). */
  readonly ballots: number;
  /** The first event type other than a ballot or an audited ballot in that range, if any. */
  readonly unexpected: EventType | null;
}

/** Counts over heights 1 .. (end-ballots or `before`) − 1 of `electionId`'s board. */
export async function boardVotingCounts(
  q: Queryable,
  electionId: string,
  before: number,
): Promise<BoardVotingCounts> {
  const { rows } = await q.query<{
    end_height: string | null;
    ballots: string;
    unexpected: EventType | null;
  }>(
    'board.voting_counts',
    `WITH e AS (SELECT min(height) AS h FROM board_events WHERE election_id = $1 AND type = 'end-ballots')
     SELECT (SELECT h FROM e) AS end_height,
            count(*) FILTER (WHERE type = 'ballot') AS ballots,
            (array_agg(type ORDER BY height) FILTER (WHERE type NOT IN ('ballot', 'audited-ballot')))[1] AS unexpected
       FROM board_events
      WHERE election_id = $1 AND height >= 1 AND height < coalesce((SELECT h FROM e), $2)`,
    [electionId, before],
  );
  const r = rows[0]!;
  return {
    endBallotsHeight: r.end_height === null ? null : Number(r.end_height),
    ballots: Number(r.ballots),
    unexpected: r.unexpected,
  };
}

/** One page of event summaries (no payloads), heights > `after`, ascending. */
export async function readBoardPage(
  q: Queryable,
  electionId: string,
  after: number,
  limit: number,
): Promise<StoredEvent[]> {
  const { rows } = await q.query<{
    height: string;
    type: EventType;
    parent: string;
    hash: string;
    created_at: Date;
  }>(
    'board.page',
    `SELECT height, type, parent, hash, created_at FROM board_events
     WHERE election_id = $1 AND height > $2 ORDER BY height LIMIT $3`,
    [electionId, after, limit],
  );
  return rows.map((r) => ({
    height: Number(r.height),
    type: r.type,
    parent: r.parent,
    hash: r.hash,
    createdAt: r.created_at,
  }));
}

/** Whole events (payload included) of heights fromHeight ≤ h < fromHeight + limit. */
export async function readBoard(
  q: Queryable,
  electionId: string,
  fromHeight: number,
  limit: number,
): Promise<BoardEvent[]> {
  const { rows } = await q.query<EventRow>(
    'board.read',
    `SELECT height, type, payload, parent, hash, created_at FROM board_events
     WHERE election_id = $1 AND height >= $2 ORDER BY height LIMIT $3`,
    [electionId, fromHeight, limit],
  );
  return rows.map(toEvent);
}

/**
 * The events of heights fromHeight ≤ h < toHeight (default: the head when called), streamed in
 * keyset pages: at most BOARD_STREAM_PAGE events are in memory at once. The board is append-only,
 * so reading below a head read earlier is a consistent snapshot without a long transaction.
 */
export async function* streamBoard(
  q: Queryable,
  electionId: string,
  fromHeight = 0,
  toHeight?: number,
): AsyncGenerator<BoardEvent> {
  const end = toHeight ?? (await boardHead(q, electionId)).height;
  let next = fromHeight;
  while (next < end) {
    const page = await readBoard(q, electionId, next, Math.min(BOARD_STREAM_PAGE, end - next));
    if (page.length === 0) return;
    for (const e of page) yield e;
    next = page[page.length - 1]!.height + 1;
  }
}

/**
 * The election record (protocol §10.1) of the board up to `head`, as text chunks: the header line,
 * then one canonical JSON line per event, read page by page from the database.
 */
export async function* streamRecord(
  q: Queryable,
  electionId: string,
  head: BoardHead,
): AsyncGenerator<string> {
  yield `${recordHeaderLine(head.height, head.hash, electionId)}\n`;
  let lines: string[] = [];
  for await (const event of streamBoard(q, electionId, 0, head.height)) {
    lines.push(`${recordEventLine(event)}\n`);
    if (lines.length >= 100) {
      yield lines.join('');
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('');
}

/** Heads of every board, for the board metrics. */
export async function allBoardHeads(
  q: Queryable,
  checkpointInterval: number,
): Promise<{ electionId: string; height: number; checkpointHeight: number; checkpointHash: string }[]> {
  const { rows } = await q.query<{ election_id: string; height: string; cp: string; hash: string }>(
    'board.metrics_heads',
    `SELECT h.election_id, h.height, e.height AS cp, e.hash
     FROM board_heads h
     JOIN board_events e ON e.election_id = h.election_id
       AND e.height = ((h.height - 1) / $1) * $1
     WHERE h.height > 0`,
    [checkpointInterval],
  );
  return rows.map((r) => ({
    electionId: r.election_id,
    height: Number(r.height),
    checkpointHeight: Number(r.cp),
    checkpointHash: r.hash,
  }));
}

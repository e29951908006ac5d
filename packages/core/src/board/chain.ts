/**
 * The hash chain of the board (protocol §9.3): building events (`appendEvent`) and checking a
 * sequence of them (`ChainChecker`, `verifyChain`). Pure functions: the server persists the events
 * it gets from here, the verifier feeds the checker one event at a time while streaming a record.
 *
 * The checker tells apart a missing event (a height never seen), an out-of-order event (a height
 * seen after a later one) and a changed parent, each with its own code, remembering only a small
 * window of recent hashes so memory stays constant however long the board is.
 */
import { BOARD_EVENT_VERSION, type BoardEvent, type EventType, eventHash, GENESIS_PARENT } from './event.js';

/** The position a new event is appended at: its height and its parent hash. */
export interface BoardHead {
  readonly height: number;
  readonly hash: string;
}

/** The head of an empty board: the first event has height 0 and parent GENESIS_PARENT. */
export const EMPTY_BOARD_HEAD: BoardHead = { height: 0, hash: GENESIS_PARENT };

export interface AppendedEvent<P> {
  readonly event: BoardEvent<P>;
  /** eventHash(event), which is the parent of the next event. */
  readonly hash: string;
  /** The head to append the next event at. */
  readonly head: BoardHead;
}

/** Build the next event of the board (protocol §9.1); `head` is EMPTY_BOARD_HEAD for genesis. */
export function appendEvent<P>(head: BoardHead, type: EventType, payload: P): AppendedEvent<P> {
  if (!Number.isSafeInteger(head.height) || head.height < 0) throw new RangeError('appendEvent: bad height');
  const event: BoardEvent<P> = {
    v: BOARD_EVENT_VERSION,
    height: head.height,
    parent: head.hash,
    type,
    payload,
  };
  const hash = eventHash(event);
  return { event, hash, head: { height: head.height + 1, hash } };
}

export type ChainFailureCode =
  | 'CHAIN_GENESIS_PARENT_INVALID'
  | 'CHAIN_PARENT_MISMATCH'
  | 'CHAIN_EVENT_MISSING'
  | 'CHAIN_EVENT_OUT_OF_ORDER'
  | 'CHAIN_EVENT_DUPLICATE';

export interface ChainFailure {
  readonly code: ChainFailureCode;
  readonly height: number;
  readonly message: string;
}

const WINDOW = 4096;

/** Streaming chain check (protocol §11 steps 2–3). Feed events in file order, then call finish(). */
export class ChainChecker {
  private expected = 0;
  private count = 0;
  private head: BoardHead = EMPTY_BOARD_HEAD;
  /** Hashes of recently seen heights (bounded window). */
  private readonly recent = new Map<number, string>();
  /** Heights skipped over and not seen yet. */
  private readonly gaps = new Set<number>();
  /** Parents that could not be checked yet because their predecessor was not seen yet. */
  private readonly pending = new Map<number, { parent: string; height: number }>();

  /** Checks one event given its hash; returns the failures it reveals (usually none). */
  push(event: BoardEvent, hash: string): ChainFailure[] {
    const failures: ChainFailure[] = [];
    const h = event.height;
    this.count++;
    if (h === this.expected) {
      this.expected = h + 1;
    } else if (h > this.expected) {
      for (let k = this.expected; k < h && this.gaps.size < WINDOW; k++) this.gaps.add(k);
      this.expected = h + 1;
    } else if (this.gaps.delete(h)) {
      failures.push({
        code: 'CHAIN_EVENT_OUT_OF_ORDER',
        height: h,
        message: `event ${h} appears after a later event`,
      });
    } else {
      failures.push({
        code: 'CHAIN_EVENT_DUPLICATE',
        height: h,
        message: `a second event claims height ${h}`,
      });
      return failures;
    }
    if (h === 0) {
      if (event.parent !== GENESIS_PARENT) {
        failures.push({
          code: 'CHAIN_GENESIS_PARENT_INVALID',
          height: 0,
          message: 'genesis parent is not 32 zero bytes',
        });
      }
    } else {
      const prev = this.recent.get(h - 1);
      if (prev !== undefined) {
        if (prev !== event.parent) failures.push(this.parentMismatch(h));
      } else if (this.pending.size < WINDOW) {
        this.pending.set(h - 1, { parent: event.parent, height: h });
      }
    }
    const waiting = this.pending.get(h);
    if (waiting) {
      this.pending.delete(h);
      if (waiting.parent !== hash) failures.push(this.parentMismatch(waiting.height));
    }
    this.recent.set(h, hash);
    if (this.recent.size > WINDOW) this.recent.delete(this.recent.keys().next().value as number);
    if (h + 1 === this.expected) this.head = { height: h + 1, hash };
    return failures;
  }

  private parentMismatch(height: number): ChainFailure {
    return {
      code: 'CHAIN_PARENT_MISMATCH',
      height,
      message: `parent of event ${height} is not the hash of event ${height - 1}`,
    };
  }

  /** Failures only visible at the end (heights never seen), sorted by height. */
  finish(): ChainFailure[] {
    return [...this.gaps]
      .sort((a, b) => a - b)
      .map((height) => ({
        code: 'CHAIN_EVENT_MISSING' as const,
        height,
        message: `event ${height} is missing`,
      }));
  }

  /** Head after the highest event seen: what the record header's `head` must equal. */
  get lastHead(): BoardHead {
    return this.head;
  }

  get eventCount(): number {
    return this.count;
  }
}

export interface ChainReport {
  readonly valid: boolean;
  readonly head: BoardHead;
  readonly failures: readonly ChainFailure[];
}

/** Check a whole in-memory board (protocol §9.3): heights 0..n−1 in order, each parent = hash of the previous. */
export function verifyChain(events: Iterable<BoardEvent>): ChainReport {
  const checker = new ChainChecker();
  const failures: ChainFailure[] = [];
  for (const event of events) failures.push(...checker.push(event, eventHash(event)));
  failures.push(...checker.finish());
  return { valid: failures.length === 0, head: checker.lastHead, failures };
}

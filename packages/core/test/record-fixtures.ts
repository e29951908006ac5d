/**
 * Helpers for tests that start from a valid election record and change it (tampering suite, the
 * end-to-end test): a small simulated election, and edits that rewrite the chain after a change the
 * way a server in control of its database could (so the deeper checks, not only the chain, are hit).
 */
import { appendEvent, type BoardHead, EMPTY_BOARD_HEAD } from '../src/board/chain.js';
import { type BoardEvent, eventHash } from '../src/board/event.js';
import { type SimulatedElection, simulateElection } from '../src/record/simulate-election.js';
import type { RevotePolicy } from '../src/tally.js';
import { deterministicRandom } from '../src/trustees/deterministic-random.js';
import { REFERENCE_MANIFEST } from './ballot-fixtures.js';

export function smallElection(
  seed: string,
  options: { voters?: number; revotes?: number; challenges?: number; policy?: RevotePolicy } = {},
): SimulatedElection {
  return simulateElection({
    manifest: REFERENCE_MANIFEST,
    voters: options.voters ?? 6,
    trustees: 3,
    threshold: 2,
    decryptingTrustees: [1, 3],
    revotePolicy: options.policy ?? 'last-counts',
    revotes: options.revotes ?? 2,
    challenges: options.challenges ?? 1,
    random: deterministicRandom(seed),
  });
}

/** A deep copy of the events as plain JSON (what a tamperer edits). */
export function cloneEvents(events: readonly BoardEvent[]): BoardEvent[] {
  return JSON.parse(JSON.stringify(events)) as BoardEvent[];
}

/**
 * Recompute heights and parents of events[from..] (events before `from` are kept as they are).
 * `keepParentAt`: leave that event's (edited) parent alone.
 */
export function rechain(events: readonly BoardEvent[], from = 0, keepParentAt?: number): BoardEvent[] {
  const out = events.slice(0, from);
  let head: BoardHead = from === 0 ? EMPTY_BOARD_HEAD : { height: from, hash: eventHash(events[from - 1]!) };
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    if (i === keepParentAt) {
      const kept: BoardEvent = { ...e, height: head.height };
      out.push(kept);
      head = { height: head.height + 1, hash: eventHash(kept) };
    } else {
      const a = appendEvent(head, e.type, e.payload);
      out.push(a.event);
      head = a.head;
    }
  }
  return out;
}

/** Height of the first event of a type (after `after`). */
export function heightOf(events: readonly BoardEvent[], type: BoardEvent['type'], after = -1): number {
  const i = events.findIndex((e, k) => k > after && e.type === type);
  if (i < 0) throw new Error(`no ${type} event`);
  return i;
}

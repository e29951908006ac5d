import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { initCore } from '../init.js';
import { appendEvent, type BoardHead, EMPTY_BOARD_HEAD, verifyChain } from './chain.js';
import { type BoardEvent, eventHash, GENESIS_PARENT, parseEvent } from './event.js';

function board(n: number): BoardEvent[] {
  const events: BoardEvent[] = [];
  let head: BoardHead = EMPTY_BOARD_HEAD;
  for (let i = 0; i < n; i++) {
    const appended = appendEvent(head, i === 0 ? 'setup' : 'ballot', { i });
    events.push(appended.event);
    head = appended.head;
  }
  return events;
}

/** Recompute heights and parents from `from` on, as a server rewriting history would. */
function rechain(events: BoardEvent[], from = 0): BoardEvent[] {
  const out = events.slice(0, from);
  let head: BoardHead = from === 0 ? EMPTY_BOARD_HEAD : { height: from, hash: eventHash(events[from - 1]!) };
  for (const e of events.slice(from)) {
    const appended = appendEvent(head, e.type, e.payload);
    out.push(appended.event);
    head = appended.head;
  }
  return out;
}

describe('board chain (protocol §9)', () => {
  before(initCore);

  test('appendEvent chains heights and parents from the genesis constant', () => {
    const events = board(4);
    assert.equal(events[0]!.parent, GENESIS_PARENT);
    assert.equal(GENESIS_PARENT, 'A'.repeat(43));
    for (let i = 1; i < events.length; i++) {
      assert.equal(events[i]!.height, i);
      assert.equal(events[i]!.parent, eventHash(events[i - 1]!));
    }
    const report = verifyChain(events);
    assert.equal(report.valid, true);
    assert.deepEqual(report.head, { height: 4, hash: eventHash(events[3]!) });
  });

  test('eventHash binds every field', () => {
    const e = board(2)[1]!;
    const h = eventHash(e);
    assert.notEqual(eventHash({ ...e, height: 2 }), h);
    assert.notEqual(eventHash({ ...e, type: 'result' }), h);
    assert.notEqual(eventHash({ ...e, payload: { i: 2 } }), h);
    assert.notEqual(eventHash({ ...e, parent: GENESIS_PARENT }), h);
  });

  test('a changed parent is reported at its height', () => {
    const events = board(6);
    events[3] = { ...events[3]!, parent: events[1]!.parent };
    const report = verifyChain(rechain(events, 4).map((e, i) => (i === 3 ? events[3]! : e)));
    assert.deepEqual(
      report.failures.map((f) => [f.code, f.height]),
      [['CHAIN_PARENT_MISMATCH', 3]],
    );
  });

  test('a changed payload breaks the parent of the next event', () => {
    const events = board(5);
    events[2] = { ...events[2]!, payload: { i: 99 } };
    assert.deepEqual(
      verifyChain(events).failures.map((f) => [f.code, f.height]),
      [['CHAIN_PARENT_MISMATCH', 3]],
    );
  });

  test('a removed event is reported missing, a swapped pair out of order, a repeated one duplicate', () => {
    const events = board(6);
    const removed = [...events.slice(0, 2), ...events.slice(3)];
    assert.deepEqual(
      verifyChain(removed).failures.map((f) => [f.code, f.height]),
      [['CHAIN_EVENT_MISSING', 2]],
    );
    const swapped = [...events];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    assert.deepEqual(
      verifyChain(swapped).failures.map((f) => [f.code, f.height]),
      [['CHAIN_EVENT_OUT_OF_ORDER', 2]],
    );
    const repeated = [...events.slice(0, 4), events[3]!, ...events.slice(4)];
    assert.deepEqual(
      verifyChain(repeated).failures.map((f) => [f.code, f.height]),
      [['CHAIN_EVENT_DUPLICATE', 3]],
    );
  });

  test('a non-zero genesis parent is reported', () => {
    const events = board(2);
    const bad = rechain([{ ...events[0]!, parent: events[1]!.parent }, events[1]!]);
    const forged = [{ ...events[0]!, parent: events[1]!.parent }];
    assert.equal(verifyChain(bad).valid, true, 'rechain resets the genesis parent');
    assert.deepEqual(
      verifyChain(forged).failures.map((f) => f.code),
      ['CHAIN_GENESIS_PARENT_INVALID'],
    );
  });

  test('property: any single adjacent swap or removal inside the board is detected', () => {
    const events = board(12);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.boolean(), (i, swap) => {
        const copy = [...events];
        if (swap) [copy[i], copy[i + 1]] = [copy[i + 1]!, copy[i]!];
        else copy.splice(i, 1);
        return !verifyChain(copy).valid;
      }),
    );
  });

  test('parseEvent validates the envelope', () => {
    const e = board(1)[0]!;
    assert.equal(parseEvent(JSON.parse(JSON.stringify(e))).ok, true);
    for (const bad of [
      null,
      [],
      { ...e, v: 2 },
      { ...e, height: -1 },
      { ...e, height: 1.5 },
      { ...e, parent: 'AAAA' },
      { ...e, type: 'vote' },
      { ...e, extra: 1 },
      { v: 1, height: 0, parent: GENESIS_PARENT, type: 'setup' },
    ]) {
      const r = parseEvent(bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
      if (!r.ok) assert.equal(r.code, 'EVENT_MALFORMED');
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canTransition, ELECTION_STATES, isBallotEditable, nextStates } from './election-state.js';

describe('election lifecycle', () => {
  test('the happy path is a chain of legal transitions', () => {
    const path = [
      'draft',
      'key_ceremony',
      'ready',
      'open',
      'closed',
      'tallying',
      'tallied',
      'published',
    ] as const;
    for (let i = 1; i < path.length; i++)
      assert.ok(canTransition(path[i - 1]!, path[i]!), `${path[i - 1]} → ${path[i]}`);
  });

  test('no skipping, no going back after opening, terminal states stay terminal', () => {
    assert.equal(canTransition('draft', 'open'), false);
    assert.equal(canTransition('open', 'ready'), false);
    assert.equal(canTransition('closed', 'open'), false);
    assert.equal(canTransition('tallying', 'cancelled'), false);
    assert.deepEqual(nextStates('published'), []);
    assert.deepEqual(nextStates('cancelled'), []);
  });

  test('every state can reach a terminal state', () => {
    for (const s of ELECTION_STATES) {
      const seen = new Set([s]);
      const todo = [s];
      for (let cur = todo.pop(); cur !== undefined; cur = todo.pop()) {
        for (const n of nextStates(cur)) {
          if (seen.has(n)) continue;
          seen.add(n);
          todo.push(n);
        }
      }
      assert.ok(seen.has('published') || seen.has('cancelled'), s);
    }
  });

  test('only drafts are editable', () => {
    assert.deepEqual(ELECTION_STATES.filter(isBallotEditable), ['draft']);
  });
});

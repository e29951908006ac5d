/**
 * The server counts ballots with `countedBallots` (tally.ts); the verifier and trustees with the
 * streaming `BallotLedger`. On every board the server can produce (listed credentials only), both
 * must select the same ballots, or a correct server tally would fail verification.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { countedBallots } from '../tally.js';
import { BallotLedger } from './ballot-ledger.js';

const boards = fc
  .array(fc.integer({ min: 0, max: 6 }), { maxLength: 40 })
  .map((voters) => voters.map((v) => `c${v}`));
const listed = new Set(Array.from({ length: 7 }, (_, i) => `c${i}`));

describe('BallotLedger agrees with countedBallots', () => {
  test('last-counts: the ballots left out are exactly the superseded ones', () => {
    fc.assert(
      fc.property(boards, (credentials) => {
        const server = countedBallots(credentials, 'last-counts');
        assert.ok(server.ok);
        const ledger = new BallotLedger(listed, 'last-counts');
        credentials.forEach((c, i) => {
          assert.equal(ledger.cast(i + 1, `h${i + 1}`, c), undefined);
        });
        const excluded = [...ledger.toSubtract().keys()].map((h) => h - 1).sort((a, b) => a - b);
        assert.deepEqual(excluded, server.superseded);
      }),
      { numRuns: 300 },
    );
  });

  test('forbidden: both refuse the same first second ballot of a credential', () => {
    fc.assert(
      fc.property(boards, (credentials) => {
        const server = countedBallots(credentials, 'forbidden');
        const ledger = new BallotLedger(listed, 'forbidden');
        const refused = credentials.findIndex((c, i) => ledger.cast(i + 1, `h${i + 1}`, c) !== undefined);
        if (server.ok) assert.equal(refused, -1);
        else assert.equal(refused, server.index);
      }),
      { numRuns: 300 },
    );
  });
});

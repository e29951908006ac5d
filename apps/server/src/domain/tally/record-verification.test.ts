import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VerificationReport } from '@electra/core';
import { verifyStoredRecord } from './record-verification.js';
import type { VerificationRow } from './tally.repository.js';

const report = (head?: { height: number; hash: string }): VerificationReport => ({
  valid: true,
  readable: true,
  checks: [],
  failures: [],
  summary: {
    events: 7,
    ballots: 4,
    counted: 4,
    audited: 0,
    credentials: 4,
    partialDecryptions: 0,
    failuresOmitted: 0,
    ...(head ? { head } : {}),
  },
});

function deps(r: VerificationReport, boardHead: { height: number; hash: string }) {
  const stored: Pick<VerificationRow, 'headHeight' | 'headHash'>[] = [];
  return {
    stored,
    deps: {
      board: {
        head: async () => boardHead,
        record: async function* () {},
      },
      repository: {
        tally: async () => null,
        insertVerification: async (v: Pick<VerificationRow, 'headHeight' | 'headHash'>) => {
          stored.push(v);
          return v as VerificationRow;
        },
      },
      verifier: async () => r,
      logger: { error() {} },
    } as unknown as Parameters<typeof verifyStoredRecord>[0],
  };
}

describe('verifyStoredRecord', () => {
  test('records the head the verifier reached, not the board head read around it', async () => {
    // An event appended while the verifier ran moves the board to height 8; only 7 were verified.
    const d = deps(report({ height: 7, hash: 'H7' }), { height: 8, hash: 'H8' });
    await verifyStoredRecord(d.deps, 'e1', 'test');
    assert.equal(d.stored.length, 1);
    assert.equal(d.stored[0]!.headHeight, 7);
    assert.equal(d.stored[0]!.headHash, 'H7');
  });
});

/**
 * The tampering suite (issue 3, protocol §11): starting from a valid record, every kind of
 * corruption (test/tampers.ts) is reported with its own failure code at the exact place (height,
 * ballot tracker); plus the record-level cases (truncation, forged header, non-records).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { BallotJson } from '../src/ballot/serialize.js';
import { ballotJsonTracker } from '../src/ballot/tracker.js';
import { initCore } from '../src/init.js';
import { serializeRecord } from '../src/record/record-format.js';
import type { SimulatedElection } from '../src/record/simulate-election.js';
import { deterministicRandom } from '../src/trustees/deterministic-random.js';
import type { VerificationReport } from '../src/verify/report.js';
import { verifyRecord } from '../src/verify/verify-record.js';
import { cloneEvents, heightOf, rechain, smallElection } from './record-fixtures.js';
import { TAMPERS } from './tampers.js';

const random = deterministicRandom('tampering');

function verifyText(text: string): Promise<VerificationReport> {
  return verifyRecord(() => [text]);
}

describe('tampering suite (protocol §11)', () => {
  let e: SimulatedElection;

  before(async () => {
    await initCore();
    e = smallElection('tampering-record');
  });

  test('the untouched record is valid and its result is the plaintext count', async () => {
    const report = await verifyText(serializeRecord(e.events));
    assert.deepEqual(report.failures, []);
    assert.equal(report.valid, true);
    assert.deepEqual(report.summary.result, e.expected);
    assert.equal(report.summary.counted, 6);
    assert.equal(report.summary.audited, 1);
    assert.ok(report.checks.every((c) => c.status === 'passed'));
  });

  test('every corruption is reported first with its own code, at its height and tracker', async () => {
    const codes = new Set(TAMPERS.map((t) => t.code));
    assert.equal(codes.size, TAMPERS.length, 'one distinct code per corruption');
    for (const tamper of TAMPERS) {
      const t = tamper.apply(e, random);
      const report = await verifyText(serializeRecord(t.events));
      const first = report.failures[0];
      const context = `${tamper.name}: ${JSON.stringify(report.failures, null, 1)}`;
      assert.equal(report.valid, false, context);
      assert.equal(report.readable, true, context);
      assert.equal(first?.code, tamper.code, context);
      assert.equal(first.height, t.height, context);
      if (t.tracker !== undefined) assert.equal(first.tracker, t.tracker, context);
      const check = report.checks.find((c) => c.failures > 0);
      assert.equal(check?.status, 'failed');
    }
  });

  test('side effects stay contained: a bad proof alone leaves the tally matching', async () => {
    const t = TAMPERS.find((x) => x.code === 'BALLOT_OVERALL_PROOF_INVALID')!.apply(e, random);
    const report = await verifyText(serializeRecord(t.events));
    assert.deepEqual(
      report.failures.map((f) => f.code),
      ['BALLOT_OVERALL_PROOF_INVALID'],
    );
    const swapped = TAMPERS.find((x) => x.code === 'CHAIN_EVENT_OUT_OF_ORDER')!.apply(e, random);
    assert.equal((await verifyText(serializeRecord(swapped.events))).failures.length, 1);
  });

  test('a challenged ballot cast before its audit and later superseded is still caught', async () => {
    // Voter 0 challenged a ballot (audited event at height 1). Here that very ballot is also cast
    // just before the audit is published, then superseded by voter 0's own later ballots: it never
    // counts, and only the second pass can see it.
    const events = cloneEvents(e.events);
    const auditedAt = heightOf(events, 'audited-ballot');
    assert.equal(auditedAt, 1);
    const opened = (events[auditedAt]!.payload as unknown as { ballot: BallotJson }).ballot;
    events.splice(auditedAt, 0, { ...events[auditedAt]!, type: 'ballot', payload: opened as never });
    const report = await verifyText(serializeRecord(rechain(events)));
    assert.equal(report.failures[0]?.code, 'BALLOT_CHALLENGED_CAST', JSON.stringify(report.failures));
    assert.equal(report.failures[0]?.height, 1);
    assert.equal(report.failures[0]?.tracker, ballotJsonTracker(opened).hash);
    assert.deepEqual(
      report.failures.map((f) => f.code),
      ['BALLOT_CHALLENGED_CAST', 'END_BALLOTS_COUNT_MISMATCH'],
      'superseded, so the tally itself still matches',
    );
  });

  test('a second ballot under the forbidden policy → BALLOT_REVOTE_FORBIDDEN', async () => {
    const forbidden = smallElection('tampering-forbidden', {
      voters: 3,
      revotes: 1,
      challenges: 0,
      policy: 'forbidden',
    });
    const report = await verifyText(serializeRecord(forbidden.events));
    const ballots = forbidden.events.filter((ev) => ev.type === 'ballot').map((ev) => ev.height);
    assert.equal(report.failures[0]?.code, 'BALLOT_REVOTE_FORBIDDEN');
    assert.equal(report.failures[0]?.height, ballots[3]);
  });

  test('a truncated record (last event gone) and a forged header head', async () => {
    const lines = serializeRecord(e.events).trimEnd().split('\n');
    const truncated = await verifyText(`${lines.slice(0, -1).join('\n')}\n`);
    assert.equal(truncated.valid, false);
    assert.deepEqual(truncated.failures.map((f) => f.code).sort(), [
      'RECORD_EVENT_COUNT_MISMATCH',
      'RECORD_HEAD_MISMATCH',
      'RESULT_MISSING',
    ]);
    const header = JSON.parse(lines[0]!);
    const forgedHeader = JSON.stringify({ ...header, head: `B${header.head.slice(1)}` });
    const forged = await verifyText([forgedHeader, ...lines.slice(1)].join('\n'));
    assert.deepEqual(
      forged.failures.map((f) => f.code),
      ['RECORD_HEAD_MISMATCH'],
    );
  });

  test('a running election (no result yet) passes with requireComplete: false', async () => {
    const running = e.events.slice(
      0,
      e.events.findIndex((ev) => ev.type === 'end-ballots'),
    );
    const text = serializeRecord(running);
    assert.equal((await verifyRecord(() => [text], { requireComplete: false })).valid, true);
    const strict = await verifyText(text);
    assert.deepEqual(
      strict.failures.map((f) => f.code),
      ['END_BALLOTS_MISSING'],
    );
  });

  test('a line that is JSON but not an event → EVENT_MALFORMED at its line', async () => {
    const lines = serializeRecord(e.events).trimEnd().split('\n');
    lines[4] = '{"hello":"world"}';
    const report = await verifyText(lines.join('\n'));
    assert.equal(report.readable, true);
    assert.equal(report.failures[0]?.code, 'EVENT_MALFORMED');
    assert.equal(report.failures[0]?.line, 5);
    assert.equal(report.failures[0]?.height, 3);
  });

  test('input that is not a record is unreadable, not invalid', async () => {
    for (const text of ['', 'hello\n', '{"format":"electra-record","v":9,"events":0,"head":"x"}\n']) {
      const report = await verifyText(text);
      assert.equal(report.readable, false);
      assert.equal(report.valid, false);
    }
  });

  test('failures beyond maxFailures are counted, not listed', async () => {
    const t = TAMPERS.find((x) => x.code === 'SETUP_CREDENTIAL_DUPLICATE')!.apply(e, random);
    const credentials = (t.events[0]!.payload as { credentials: string[] }).credentials;
    credentials.push(credentials[1]!, credentials[2]!);
    const text = serializeRecord(t.events);
    const report = await verifyRecord(() => [text], { maxFailures: 1 });
    assert.equal(report.failures.length, 1);
    assert.ok(report.summary.failuresOmitted >= 2);
  });
});

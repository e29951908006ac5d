/**
 * The tampering suite (issue 3, protocol §11): starting from a valid record, every kind of
 * corruption is reported with its own failure code at the exact place (height, tracker).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { openBallot } from '../src/ballot/challenge.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { type BallotJson, ballotToJSON, decodeBallot } from '../src/ballot/serialize.js';
import { signBallot } from '../src/ballot/sign.js';
import { ballotJsonTracker } from '../src/ballot/tracker.js';
import type { BoardEvent } from '../src/board/event.js';
import { deriveCredentialKey, generateCredential } from '../src/credentials.js';
import { Ciphertext } from '../src/elgamal.js';
import { baseMul, Scalar } from '../src/group/group.js';
import { initCore } from '../src/init.js';
import { serializeRecord } from '../src/record/record-format.js';
import { randomSelection, type SimulatedElection } from '../src/record/simulate-election.js';
import { deterministicRandom } from '../src/trustees/deterministic-random.js';
import type { FailureCode } from '../src/verify/codes.js';
import type { VerificationReport } from '../src/verify/report.js';
import { verifyRecord } from '../src/verify/verify-record.js';
import { cloneEvents, heightOf, rechain, smallElection } from './record-fixtures.js';

const random = deterministicRandom('tampering');

async function verifyEvents(events: readonly BoardEvent[]): Promise<VerificationReport> {
  const text = serializeRecord(events);
  return verifyRecord(() => [text]);
}

async function verifyText(text: string): Promise<VerificationReport> {
  return verifyRecord(() => [text]);
}

function assertFirst(report: VerificationReport, code: FailureCode, height?: number, tracker?: string): void {
  assert.equal(report.valid, false, 'the record must be rejected');
  assert.equal(report.readable, true);
  const first = report.failures[0];
  assert.ok(first, 'a failure is listed');
  assert.equal(first.code, code, JSON.stringify(report.failures, null, 1));
  assert.equal(first.height, height);
  if (tracker !== undefined) assert.equal(first.tracker, tracker);
  const check = report.checks.find((c) => c.failures > 0);
  assert.ok(check && check.status === 'failed');
}

/** Replace a cast ballot by an edited copy, re-signed by its (compromised) credential. */
function resign(
  e: SimulatedElection,
  json: BallotJson,
  edit: (b: ReturnType<typeof mutable>) => void,
): BallotJson {
  const decoded = decodeBallot(json);
  assert.ok(decoded.ok);
  const b = mutable(decoded.ballot);
  edit(b);
  const voter = e.credentials.find(
    (c) => deriveCredentialKey(c, e.params.manifest.id).publicCredential.toBase64Url() === json.credential,
  )!;
  const key = deriveCredentialKey(voter, e.params.manifest.id);
  return ballotToJSON(signBallot(e.params, b, key, random));
}

function mutable(b: NonNullable<ReturnType<typeof decodeBallot> & { ok: true }>['ballot']) {
  return {
    ...b,
    answers: b.answers.map((a) => ({ ...a, choices: [...a.choices], overall: [...a.overall] })),
  };
}

describe('tampering suite (protocol §11)', () => {
  let e: SimulatedElection;
  let ballotAt: number;

  before(async () => {
    await initCore();
    e = smallElection('tampering-record');
    // The ballot of voter 3, who does not revote: it is counted.
    ballotAt = heightOf(e.events, 'ballot') + 3;
  });

  test('the untouched record is valid and its result is the plaintext count', async () => {
    const report = await verifyEvents(e.events);
    assert.deepEqual(report.failures, []);
    assert.equal(report.valid, true);
    assert.deepEqual(report.summary.result, e.expected);
    assert.equal(report.summary.counted, 6);
    assert.equal(report.summary.audited, 1);
  });

  test('changed ciphertext (even re-signed by the voter) → BALLOT_CHOICE_PROOF_INVALID at its height', async () => {
    const events = cloneEvents(e.events);
    const json = resign(e, events[ballotAt]!.payload as unknown as BallotJson, (b) => {
      const c = b.answers[1]!.choices[0]!;
      b.answers[1]!.choices[0] = new Ciphertext(c.alpha, c.beta.add(baseMul(Scalar.one)));
    });
    events[ballotAt] = { ...events[ballotAt]!, payload: json as never };
    const report = await verifyEvents(rechain(events));
    assertFirst(report, 'BALLOT_CHOICE_PROOF_INVALID', ballotAt, ballotJsonTracker(json).hash);
    assert.ok(report.failures.some((f) => f.code === 'ENCRYPTED_TALLY_MISMATCH'));
  });

  test('changed proof (re-signed) → BALLOT_OVERALL_PROOF_INVALID', async () => {
    const events = cloneEvents(e.events);
    const json = resign(e, events[ballotAt]!.payload as unknown as BallotJson, (b) => {
      const [p0, p1] = b.answers[0]!.overall;
      b.answers[0]!.overall[0] = { ...p0!, z: p1!.z };
    });
    events[ballotAt] = { ...events[ballotAt]!, payload: json as never };
    const report = await verifyEvents(rechain(events));
    assertFirst(report, 'BALLOT_OVERALL_PROOF_INVALID', ballotAt, ballotJsonTracker(json).hash);
    assert.equal(report.failures.length, 1, 'ciphertexts unchanged: the tally still matches');
  });

  test('changed signature → BALLOT_SIGNATURE_INVALID', async () => {
    const events = cloneEvents(e.events);
    const json = events[ballotAt]!.payload as unknown as { signature: { c: string; z: string } };
    const other = events[ballotAt + 1]!.payload as unknown as { signature: { c: string; z: string } };
    json.signature = { ...json.signature, z: other.signature.z };
    const report = await verifyEvents(rechain(events));
    assertFirst(report, 'BALLOT_SIGNATURE_INVALID', ballotAt, ballotJsonTracker(json as never).hash);
  });

  test('ballot by a credential not in the list → BALLOT_CREDENTIAL_NOT_LISTED', async () => {
    const events = cloneEvents(e.events);
    const stranger = deriveCredentialKey(generateCredential(random), e.params.manifest.id);
    const { ballot } = encryptBallot({
      params: e.params,
      credential: stranger,
      choices: randomSelection(e.params.manifest, random),
      random,
    });
    const json = ballotToJSON(ballot);
    events[ballotAt] = { ...events[ballotAt]!, payload: json as never };
    const report = await verifyEvents(rechain(events));
    assertFirst(report, 'BALLOT_CREDENTIAL_NOT_LISTED', ballotAt, ballotJsonTracker(json).hash);
  });

  test('two ballots swapped in the file → CHAIN_EVENT_OUT_OF_ORDER', async () => {
    const events = cloneEvents(e.events);
    [events[ballotAt], events[ballotAt + 1]] = [events[ballotAt + 1]!, events[ballotAt]!];
    const report = await verifyEvents(events);
    assertFirst(report, 'CHAIN_EVENT_OUT_OF_ORDER', ballotAt);
    assert.equal(report.failures.length, 1);
  });

  test('a ballot removed → CHAIN_EVENT_MISSING at its height', async () => {
    const events = cloneEvents(e.events);
    events.splice(ballotAt, 1);
    const report = await verifyEvents(events);
    assertFirst(report, 'CHAIN_EVENT_MISSING', ballotAt);
  });

  test('a parent hash changed → CHAIN_PARENT_MISMATCH at that event', async () => {
    const events = cloneEvents(e.events);
    events[ballotAt] = { ...events[ballotAt]!, parent: events[2]!.parent };
    const report = await verifyEvents(rechain(events, 0, ballotAt));
    assertFirst(report, 'CHAIN_PARENT_MISMATCH', ballotAt);
    assert.equal(report.failures.length, 1);
  });

  test('a payload changed without rewriting the chain → CHAIN_PARENT_MISMATCH at the next event', async () => {
    const events = cloneEvents(e.events);
    const end = heightOf(events, 'end-ballots');
    events[end] = { ...events[end]!, payload: { v: 1, ballots: 1 } };
    const report = await verifyEvents(events);
    assertFirst(report, 'CHAIN_PARENT_MISMATCH', end + 1);
  });

  test('encrypted tally altered → ENCRYPTED_TALLY_MISMATCH at the tally', async () => {
    const events = cloneEvents(e.events);
    const at = heightOf(events, 'encrypted-tally');
    const p = events[at]!.payload as { ciphertexts: { alpha: string; beta: string }[][] };
    const [a, b] = p.ciphertexts[1]!;
    p.ciphertexts[1]![0] = b!;
    p.ciphertexts[1]![1] = a!;
    const report = await verifyEvents(rechain(events));
    assertFirst(report, 'ENCRYPTED_TALLY_MISMATCH', at);
  });

  test('wrong partial decryption → PARTIAL_DECRYPTION_PROOF_INVALID at that event', async () => {
    const events = cloneEvents(e.events);
    const at = heightOf(events, 'partial-decryption', heightOf(events, 'partial-decryption'));
    const p = events[at]!.payload as { trustee: number; factors: { factor: string }[] };
    assert.equal(p.trustee, 1);
    p.factors[2]!.factor = p.factors[3]!.factor;
    const report = await verifyEvents(rechain(events));
    assertFirst(report, 'PARTIAL_DECRYPTION_PROOF_INVALID', at);
  });

  test('wrong result → RESULT_MISMATCH at the result', async () => {
    const events = cloneEvents(e.events);
    const at = heightOf(events, 'result');
    const p = events[at]!.payload as { counts: number[][] };
    p.counts[0]![0]! += 1;
    const report = await verifyEvents(rechain(events));
    assertFirst(report, 'RESULT_MISMATCH', at);
    assert.equal(report.failures.length, 1);
  });

  test('a challenged ballot cast → BALLOT_CHALLENGED_CAST', async () => {
    const events = cloneEvents(e.events);
    const audited = events[heightOf(events, 'audited-ballot')]!.payload as unknown as { ballot: BallotJson };
    const end = heightOf(events, 'end-ballots');
    events.splice(end, 0, { ...events[end]!, type: 'ballot', payload: audited.ballot as never });
    const report = await verifyEvents(rechain(events));
    assertFirst(report, 'BALLOT_CHALLENGED_CAST', end, ballotJsonTracker(audited.ballot).hash);
  });

  test('an opened ballot that does not match its ciphertexts → AUDITED_BALLOT_INVALID', async () => {
    const events = cloneEvents(e.events);
    const at = heightOf(events, 'audited-ballot');
    const p = events[at]!.payload as unknown as { opening: ReturnType<typeof openBallot> };
    const rows = p.opening.randomness.map((row) => [...row]);
    [rows[1]![0], rows[1]![1]] = [rows[1]![1]!, rows[1]![0]!];
    p.opening = { ...p.opening, randomness: rows };
    const report = await verifyEvents(rechain(events));
    assertFirst(report, 'AUDITED_BALLOT_INVALID', at);
  });

  test('a second ballot under the forbidden policy → BALLOT_REVOTE_FORBIDDEN', async () => {
    const forbidden = smallElection('tampering-forbidden', {
      voters: 3,
      revotes: 1,
      challenges: 0,
      policy: 'forbidden',
    });
    const report = await verifyEvents(forbidden.events);
    const second = forbidden.events.findIndex((ev, i) => i > 3 && ev.type === 'ballot');
    assertFirst(report, 'BALLOT_REVOTE_FORBIDDEN', second);
  });

  test('end-ballots with a wrong count → END_BALLOTS_COUNT_MISMATCH', async () => {
    const events = cloneEvents(e.events);
    const at = heightOf(events, 'end-ballots');
    events[at] = { ...events[at]!, payload: { v: 1, ballots: 3 } };
    assertFirst(await verifyEvents(rechain(events)), 'END_BALLOTS_COUNT_MISMATCH', at);
  });

  test('setup: wrong fingerprint, duplicated credential', async () => {
    const events = cloneEvents(e.events);
    const setup = events[0]!.payload as { fingerprint: string; credentials: string[] };
    setup.fingerprint = setup.credentials[0]!;
    assertFirst(await verifyEvents(rechain(events)), 'SETUP_FINGERPRINT_MISMATCH', 0);
    const dup = cloneEvents(e.events);
    const creds = (dup[0]!.payload as { credentials: string[] }).credentials;
    creds.push(creds[0]!);
    assertFirst(await verifyEvents(rechain(dup)), 'SETUP_CREDENTIAL_DUPLICATE', 0);
  });

  test('a truncated record (last event gone) and a forged header head', async () => {
    const text = serializeRecord(e.events);
    const lines = text.trimEnd().split('\n');
    const truncated = await verifyText(`${lines.slice(0, -1).join('\n')}\n`);
    assert.equal(truncated.valid, false);
    assert.deepEqual(truncated.failures.map((f) => f.code).sort(), [
      'RECORD_EVENT_COUNT_MISMATCH',
      'RECORD_HEAD_MISMATCH',
      'RESULT_MISSING',
    ]);
    const header = JSON.parse(lines[0]!);
    const forged = await verifyText(
      [JSON.stringify({ ...header, head: header.head.replace(/^./, 'A') }), ...lines.slice(1)].join('\n'),
    );
    assert.deepEqual(
      forged.failures.map((f) => f.code),
      ['RECORD_HEAD_MISMATCH'],
    );
  });

  test('an event out of phase → EVENT_ORDER_INVALID', async () => {
    const events = cloneEvents(e.events);
    const result = events.pop()!;
    const end = heightOf(events, 'end-ballots');
    events.splice(end, 0, result);
    assertFirst(await verifyEvents(rechain(events)), 'EVENT_ORDER_INVALID', end);
  });

  test('input that is not a record is unreadable, not invalid', async () => {
    for (const text of ['', 'hello\n', '{"format":"electra-record","v":9,"events":0,"head":"x"}\n']) {
      const report = await verifyText(text);
      assert.equal(report.readable, false);
      assert.equal(report.valid, false);
    }
  });
});

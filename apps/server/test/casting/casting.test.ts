/**
 * Casting over HTTP on a real database (issue 5): an accepted ballot gets a receipt whose Ed25519
 * signature verifies against the published key; every refusal has its own code and status; one
 * voter's 50 simultaneous ballots yield exactly one accepted ballot under `forbidden`; a revote under
 * `last-counts` supersedes the first; a resubmission returns the identical receipt; a ballot copied
 * from another voter, a challenged (audited) ballot and a ballot after closing are refused; and every
 * proof was verified in a worker thread, never on the main thread.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  type BallotJson,
  ballotToJSON,
  decodeBallot,
  deriveCredentialKey,
  encryptBallot,
  generateCredential,
  signBallot,
  systemRandom,
} from '@electra/core';
import { createSecretBox } from '../../src/domain/auth/secret-box.js';
import { ReceiptKeys, verifyReceipt } from '../../src/domain/casting/receipt-keys.js';
import { signedIn } from '../access/access-kit.js';
import { TEST_KEK } from '../auth/auth-test-kit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { type CastingApp, call, cast, castingApp, type TestElection, type Voter } from './casting-kit.js';

let tdb: TestDatabase;
let kit: CastingApp;

before(async () => {
  tdb = await createTestDatabase({ poolMax: 12 });
  kit = await castingApp(tdb.db);
});
after(async () => {
  await kit?.close();
  await tdb?.drop();
});

/** The ballot with `mutate` applied to its JSON, re-signed by `voter` so only the mutation is wrong. */
function resigned(
  e: TestElection,
  voter: Voter,
  ballot: BallotJson,
  mutate: (b: BallotJson) => void,
): BallotJson {
  const copy = JSON.parse(JSON.stringify(ballot)) as BallotJson;
  mutate(copy);
  const decoded = decodeBallot(copy);
  assert.ok(decoded.ok);
  return ballotToJSON(signBallot(e.params, decoded.ballot, voter.key, systemRandom));
}

function swapProof(p: { c: string; z: string }): void {
  const mutable = p as { c: string; z: string };
  [mutable.c, mutable.z] = [mutable.z, mutable.c];
}

describe('casting a ballot', () => {
  let e: TestElection;
  before(async () => {
    e = await kit.openElection({ voters: 6 });
  });

  test('an accepted ballot answers 201 with a receipt signed by the published receipt key', async () => {
    const voter = e.voters[0]!;
    const verifiedBefore = kit.casting.pool.stats.verified;
    const r = await cast(kit.app, e.id, voter, e.ballot(voter));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.height, 1);
    assert.equal(r.body.electionFingerprint, e.fingerprint);
    assert.match(r.body.tracker.hash, /^[A-Za-z0-9_-]{43}$/);
    assert.match(r.body.tracker.short, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    const keys = await call(kit.app, { url: `/api/elections/${e.id}/receipt-key` });
    assert.equal(keys.status, 200);
    const key = keys.body.keys.find((k: { keyId: string }) => k.keyId === r.body.keyId);
    assert.ok(key, 'the signing key is published');
    const global = await call(kit.app, { url: '/api/receipt-keys' });
    assert.deepEqual(global.body, keys.body);
    const fields = {
      electionId: e.id,
      fingerprint: e.fingerprint,
      tracker: r.body.tracker.hash,
      height: r.body.height,
      castAt: r.body.castAt,
    };
    assert.equal(verifyReceipt(key.publicKey, fields, r.body.signature), true);
    assert.equal(verifyReceipt(key.publicKey, { ...fields, height: 2 }, r.body.signature), false);
    // proofs were checked in a worker thread, never on the main thread (threadId 0)
    assert.equal(kit.casting.pool.stats.verified, verifiedBefore + 1);
    assert.ok(![...kit.casting.pool.stats.threadIds].includes(0));
    assert.ok(kit.casting.pool.stats.threadIds.size >= 1);
  });

  test('resubmitting the same ballot returns the identical receipt with 200 and appends nothing', async () => {
    const voter = e.voters[1]!;
    const ballot = e.ballot(voter);
    const first = await cast(kit.app, e.id, voter, ballot);
    assert.equal(first.status, 201);
    const head = await call(kit.app, { url: `/api/elections/${e.id}/board/head` });
    const again = await cast(kit.app, e.id, voter, ballot);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => cast(kit.app, e.id, voter, ballot)));
    for (const c of concurrent) assert.deepEqual([c.status, c.body], [200, first.body]);
    assert.deepEqual((await call(kit.app, { url: `/api/elections/${e.id}/board/head` })).body, head.body);
  });

  test('a second, different ballot under `forbidden` is ALREADY_VOTED (409)', async () => {
    const voter = e.voters[1]!;
    const r = await cast(kit.app, e.id, voter, e.ballot(voter));
    assert.deepEqual([r.status, r.body.error.code], [409, 'ALREADY_VOTED']);
  });

  test('malformed bodies are BALLOT_MALFORMED (400), by schema or by the core decoder', async () => {
    const voter = e.voters[2]!;
    const good = e.ballot(voter);
    for (const body of [
      { v: 1 },
      { ...good, credential: 'not base64' },
      { ...good, extra: true },
      { ...good, answers: [good.answers[0]] },
    ]) {
      const r = await cast(kit.app, e.id, voter, body);
      assert.deepEqual([r.status, r.body.error?.code], [400, 'BALLOT_MALFORMED'], JSON.stringify(r.body));
    }
  });

  test('bad signature, bad choice proof, bad overall proof: 422 with their own codes', async () => {
    const voter = e.voters[2]!;
    const good = e.ballot(voter);
    const badSig = JSON.parse(JSON.stringify(good)) as BallotJson;
    swapProof(badSig.signature);
    const badChoice = resigned(e, voter, good, (b) => swapProof(b.answers[0]!.proofs[0]![0]!));
    const badOverall = resigned(e, voter, good, (b) => swapProof(b.answers[1]!.overall[0]!));
    for (const [ballot, code] of [
      [badSig, 'BALLOT_BAD_SIGNATURE'],
      [badChoice, 'BALLOT_BAD_CHOICE_PROOF'],
      [badOverall, 'BALLOT_BAD_OVERALL_PROOF'],
    ] as const) {
      const r = await cast(kit.app, e.id, voter, ballot);
      assert.deepEqual([r.status, r.body.error.code], [422, code]);
    }
  });

  test('a ballot for another election is BALLOT_WRONG_ELECTION (422)', async () => {
    const other = await kit.openElection({ voters: 1 });
    const voter = e.voters[2]!;
    const r = await cast(kit.app, e.id, voter, other.ballot(other.voters[0]!));
    assert.deepEqual([r.status, r.body.error.code], [422, 'BALLOT_WRONG_ELECTION']);
  });

  test('a credential outside the frozen list is CREDENTIAL_UNKNOWN (422)', async () => {
    const voter = e.voters[2]!;
    const stranger = deriveCredentialKey(generateCredential(systemRandom), e.id);
    const { ballot } = encryptBallot({
      params: e.params,
      credential: stranger,
      choices: [
        [1, 0, 0],
        [0, 0, 0],
      ],
      random: systemRandom,
    });
    const r = await cast(kit.app, e.id, voter, ballotToJSON(ballot));
    assert.deepEqual([r.status, r.body.error.code], [422, 'CREDENTIAL_UNKNOWN']);
  });

  test('a ballot copied from another voter is CREDENTIAL_NOT_YOURS (403), cast or not', async () => {
    const [victim, thief] = [e.voters[0]!, e.voters[3]!];
    const fresh = e.ballot(victim);
    const r1 = await cast(kit.app, e.id, thief, fresh);
    assert.deepEqual([r1.status, r1.body.error.code], [403, 'CREDENTIAL_NOT_YOURS']);
    // and the receipt of the victim's cast ballot is not handed out either
    const castOne = e.ballot(e.voters[4]!);
    assert.equal((await cast(kit.app, e.id, e.voters[4]!, castOne)).status, 201);
    const r2 = await cast(kit.app, e.id, thief, castOne);
    assert.deepEqual([r2.status, r2.body.error.code], [403, 'CREDENTIAL_NOT_YOURS']);
  });

  test('an ineligible voter is NOT_ELIGIBLE (403); anonymous callers 401; non-voters 403', async () => {
    const voter = e.voters[5]!;
    kit.ineligible.add(voter.userId);
    try {
      const r = await cast(kit.app, e.id, voter, e.ballot(voter));
      assert.deepEqual([r.status, r.body.error.code], [403, 'NOT_ELIGIBLE']);
    } finally {
      kit.ineligible.delete(voter.userId);
    }
    const anon = await call(kit.app, {
      method: 'POST',
      url: `/api/elections/${e.id}/ballots`,
      payload: e.ballot(voter),
    });
    assert.equal(anon.status, 401);
    const auditor = await signedIn(kit.auth, `auditor-${e.id}@example.org`, ['auditor']);
    const r = await call(kit.app, {
      method: 'POST',
      url: `/api/elections/${e.id}/ballots`,
      token: auditor.token,
      payload: e.ballot(voter),
    });
    assert.deepEqual([r.status, r.body.error.code], [403, 'FORBIDDEN']);
  });

  test('unknown election: 404 ELECTION_NOT_FOUND', async () => {
    const voter = e.voters[5]!;
    const r = await cast(kit.app, '00000000-0000-4000-8000-000000000000', voter, e.ballot(voter));
    assert.deepEqual([r.status, r.body.error.code], [404, 'ELECTION_NOT_FOUND']);
  });

  test('a body larger than this manifest allows is refused before parsing (413)', async () => {
    const voter = e.voters[5]!;
    const r = await call(kit.app, {
      method: 'POST',
      url: `/api/elections/${e.id}/ballots`,
      token: voter.token,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ...e.ballot(voter), pad: 'x'.repeat(200_000) }),
    });
    assert.deepEqual([r.status, r.body.error.code], [413, 'PAYLOAD_TOO_LARGE']);
  });

  test('after closing: ELECTION_NOT_OPEN (409)', async () => {
    const closed = await kit.openElection({ voters: 1 });
    await tdb.db.query('test.close', "UPDATE elections SET state = 'closed' WHERE id = $1", [closed.id]);
    const voter = closed.voters[0]!;
    const r = await cast(kit.app, closed.id, voter, closed.ballot(voter));
    assert.deepEqual([r.status, r.body.error.code], [409, 'ELECTION_NOT_OPEN']);
  });
});

describe('one voter, one ballot', () => {
  test('50 simultaneous different ballots of one voter under `forbidden`: exactly one is accepted', async () => {
    const e = await kit.openElection({ voters: 1 });
    const voter = e.voters[0]!;
    const ballots = Array.from({ length: 50 }, () => e.ballot(voter));
    const results = await Promise.all(ballots.map((b) => cast(kit.app, e.id, voter, b)));
    const accepted = results.filter((r) => r.status === 201);
    assert.equal(accepted.length, 1);
    for (const r of results.filter((x) => x.status !== 201)) {
      assert.deepEqual([r.status, r.body.error.code], [409, 'ALREADY_VOTED']);
    }
    const head = await call(kit.app, { url: `/api/elections/${e.id}/board/head` });
    assert.equal(head.body.height, 2, 'setup + one ballot');
    const { rows } = await tdb.db.query<{ count: number }>(
      'test.voted',
      'SELECT count FROM voters_voted WHERE election_id = $1',
      [e.id],
    );
    assert.deepEqual(rows, [{ count: 1 }]);
  });

  test('`last-counts`: a revote is accepted and supersedes the first ballot', async () => {
    const e = await kit.openElection({ voters: 1, revotePolicy: 'last-counts' });
    const voter = e.voters[0]!;
    const first = await cast(kit.app, e.id, voter, e.ballot(voter));
    const second = await cast(
      kit.app,
      e.id,
      voter,
      e.ballot(voter, [
        [0, 0, 1],
        [0, 1, 1],
      ]),
    );
    assert.deepEqual([first.status, second.status], [201, 201]);
    assert.equal(second.body.height, first.body.height + 1);
    const a = await call(kit.app, { url: `/api/elections/${e.id}/board/${first.body.tracker.hash}` });
    const b = await call(kit.app, { url: `/api/elections/${e.id}/board/${second.body.tracker.hash}` });
    assert.deepEqual([a.body.counted, b.body.counted], [false, true]);
    const { rows } = await tdb.db.query<{ count: number; later: boolean }>(
      'test.voted',
      'SELECT count, last_at > first_at AS later FROM voters_voted WHERE election_id = $1',
      [e.id],
    );
    assert.equal(rows[0]!.count, 2);
  });
});

describe('Benaloh audit', () => {
  test('an audited ballot is published, can be re-sent idempotently, and can never be cast', async () => {
    const e = await kit.openElection({ voters: 1 });
    const voter = e.voters[0]!;
    const { ballot, opening } = e.challenged(voter);
    const url = `/api/elections/${e.id}/ballots/audit`;
    const r = await call(kit.app, { method: 'POST', url, token: voter.token, payload: { ballot, opening } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const again = await call(kit.app, {
      method: 'POST',
      url,
      token: voter.token,
      payload: { ballot, opening },
    });
    assert.deepEqual([again.status, again.body], [200, r.body]);
    const lookup = await call(kit.app, { url: `/api/elections/${e.id}/board/${r.body.tracker.hash}` });
    assert.deepEqual(
      [lookup.body.kind, lookup.body.height, lookup.body.counted],
      ['audited-ballot', r.body.height, null],
    );

    const castIt = await cast(kit.app, e.id, voter, ballot);
    assert.deepEqual([castIt.status, castIt.body.error.code], [409, 'BALLOT_CHALLENGED']);
    // same ciphertexts under a fresh signature (a new tracker) are refused too (protocol §7.6)
    const resignedBallot = resigned(e, voter, ballot, () => {});
    assert.notEqual(resignedBallot.signature.c, ballot.signature.c);
    const castResigned = await cast(kit.app, e.id, voter, resignedBallot);
    assert.deepEqual([castResigned.status, castResigned.body.error.code], [409, 'BALLOT_CHALLENGED']);
  });

  test('a wrong opening is refused; a cast ballot cannot be audited', async () => {
    const e = await kit.openElection({ voters: 1 });
    const voter = e.voters[0]!;
    const url = `/api/elections/${e.id}/ballots/audit`;
    const { ballot, opening } = e.challenged(voter);
    const lying = {
      ...opening,
      choices: [
        [1, 0, 0],
        [0, 1, 1],
      ],
    };
    const r = await call(kit.app, {
      method: 'POST',
      url,
      token: voter.token,
      payload: { ballot, opening: lying },
    });
    assert.deepEqual([r.status, r.body.error.code], [422, 'OPENING_MISMATCH']);
    const cast1 = e.challenged(voter);
    assert.equal((await cast(kit.app, e.id, voter, cast1.ballot)).status, 201);
    const r2 = await call(kit.app, { method: 'POST', url, token: voter.token, payload: cast1 });
    assert.deepEqual([r2.status, r2.body.error.code], [409, 'BALLOT_ALREADY_CAST']);
  });
});

describe('receipt keys', () => {
  test('one key for every replica, sealed at rest under the key-encryption key', async () => {
    const fields = {
      electionId: 'e',
      fingerprint: 'f',
      tracker: 't',
      height: 1,
      castAt: new Date(0).toISOString(),
    };
    const replica = new ReceiptKeys(tdb.db, createSecretBox(TEST_KEK));
    const [a, b] = await Promise.all([kit.casting.receipts.sign(fields), replica.sign(fields)]);
    assert.equal(a.keyId, b.keyId);
    const [key] = await replica.published();
    assert.equal(verifyReceipt(key!.publicKey, fields, b.signature), true);
    const { rows } = await tdb.db.query<{ n: number }>(
      'test.keys',
      'SELECT count(*)::int AS n FROM receipt_keys',
    );
    assert.equal(rows[0]!.n, 1);
    const wrongKek = new ReceiptKeys(tdb.db, createSecretBox(randomBytes(32)));
    await assert.rejects(wrongKek.sign(fields));
  });
});

describe('observability', () => {
  test('ballot counters, verification histogram and board gauges are exported', async () => {
    const scrape = await kit.metrics.render();
    assert.match(scrape, /electra_ballots_total\{outcome="accepted",reason="none"\} [1-9]/);
    assert.match(scrape, /electra_ballots_total\{outcome="rejected",reason="ALREADY_VOTED"\} [1-9]/);
    assert.match(scrape, /electra_ballots_total\{outcome="duplicate",reason="none"\} [1-9]/);
    assert.match(scrape, /electra_ballot_verification_seconds_count [1-9]/);
    assert.match(scrape, /electra_board_height\{election="[0-9a-f-]{36}"\} \d+/);
    assert.match(
      scrape,
      /electra_board_head_info\{election="[0-9a-f-]{36}",height="0",head="[0-9a-f]{64}"\} 1/,
    );
  });

  test('no log line names both a voter and a tracker', async () => {
    const { rows } = await tdb.db.query<{ tracker: string }>(
      'test.trackers',
      'SELECT tracker FROM ballot_index',
    );
    const { rows: users } = await tdb.db.query<{ user_id: string }>(
      'test.voters',
      'SELECT user_id FROM voters_voted',
    );
    assert.ok(rows.length > 0 && users.length > 0);
    for (const line of kit.log.lines.map((l) => JSON.stringify(l))) {
      const hasTracker = rows.some((r) => line.includes(r.tracker));
      const hasUser = users.some((u) => line.includes(u.user_id));
      assert.ok(!(hasTracker && hasUser), line);
    }
  });
});

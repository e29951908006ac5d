/**
 * The tally over HTTP on a real database (issue 5): close → encrypted tally with T_0's partial
 * decryption → external trustees' partial decryptions verified on arrival (wrong proof 422, not a
 * trustee 403, duplicate 409) → result equal to the plaintext count → verifier run on the stored
 * record → tallied → published; results hidden until then; last-counts revotes counted once; and a
 * record altered in the database makes the verification fail and the election stay in tallying.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer } from '../access/access-kit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  closeElection,
  type OpenElection,
  openElection,
  partialFor,
  type TallyApp,
  tallyApp,
  tallyToEnd,
} from './tally-kit.js';

let tdb: TestDatabase;
let t: TallyApp;

before(async () => {
  tdb = await createTestDatabase();
  t = await tallyApp(tdb.db);
});
after(async () => {
  await t?.app.close();
  await tdb?.drop();
});

const P = (i: number) => [0, 1, 2].map((a) => (a === i ? 1 : 0));
const BLANK = [0, 0, 0];
const B = (...picks: number[]) => [0, 1, 2, 3].map((a) => (picks.includes(a) ? 1 : 0));

async function state(id: string): Promise<string> {
  const { rows } = await tdb.db.query<{ state: string }>(
    'test.state',
    'SELECT state FROM elections WHERE id = $1',
    [id],
  );
  return rows[0]!.state;
}

async function boardLength(id: string): Promise<number> {
  return (await t.board.head(id)).height;
}

async function auditActions(id: string): Promise<string[]> {
  const { rows } = await tdb.db.query<{ action: string }>(
    'test.audit',
    'SELECT action FROM audit_log WHERE target = $1 ORDER BY seq',
    [`election:${id}`],
  );
  return rows.map((r) => r.action);
}

const post = (url: string, token: string | undefined, payload?: object) =>
  payload === undefined
    ? t.app.inject({ method: 'POST', url, headers: bearer(token) })
    : t.app.inject({ method: 'POST', url, headers: bearer(token), payload });

describe('tally of a forbidden-revote election, end to end', () => {
  let e: OpenElection;

  before(async () => {
    e = await openElection(t, [
      [[P(0), B(0, 1)]],
      [[P(0), B(1)]],
      [[P(1), B()]],
      [[BLANK, B(2, 3)]],
      [[P(2), B(0, 1)]],
    ]);
  });

  test('results and the encrypted tally do not exist while voting or before the tally', async () => {
    const tally = await t.app.inject({ method: 'GET', url: `/api/elections/${e.id}/tally` });
    assert.equal(tally.statusCode, 409);
    const results = await t.app.inject({
      method: 'GET',
      url: `/api/elections/${e.id}/results`,
      headers: bearer(t.officer.token),
    });
    assert.equal(results.statusCode, 409);
    assert.equal(results.json().error.code, 'INVALID_ELECTION_STATE');
    // the tally starts from closed only
    assert.equal((await post(`/api/elections/${e.id}/tally`, t.officer.token)).statusCode, 409);
  });

  test('close, then the officer starts the tally: encrypted tally and T_0 published, state tallying', async () => {
    await closeElection(t, e.id);
    // closing put end-ballots on the board, in the closing transaction
    const ends: number[] = [];
    for await (const ev of t.board.read(e.id, 0)) if (ev.type === 'end-ballots') ends.push(ev.height);
    assert.deepEqual(ends, [6]);
    assert.equal((await post(`/api/elections/${e.id}/tally`, t.voter.token)).statusCode, 403);
    const res = await post(`/api/elections/${e.id}/tally`, t.officer.token);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().counted, 5);
    assert.equal(await state(e.id), 'tallying');
    // setup + 5 ballots + end-ballots + encrypted-tally + T_0's partial decryption
    assert.equal(await boardLength(e.id), 9);
    const types: string[] = [];
    for await (const ev of t.board.read(e.id, 6)) types.push(ev.type);
    assert.deepEqual(types, ['end-ballots', 'encrypted-tally', 'partial-decryption']);
    const pub = await t.app.inject({ method: 'GET', url: `/api/elections/${e.id}/tally` });
    assert.equal(pub.statusCode, 200);
    const body = pub.json();
    assert.deepEqual(body.received, [{ trustee: 0, height: 8 }]);
    assert.equal(body.quorum, false);
    assert.equal(body.threshold, 2);
    assert.deepEqual(
      body.ciphertexts.map((q: unknown[]) => q.length),
      [3, 4],
    );
    // a second start is refused by the lifecycle
    assert.equal((await post(`/api/elections/${e.id}/tally`, t.officer.token)).statusCode, 409);
  });

  test('a partial decryption with a wrong proof is 422 and not appended', async () => {
    const good = await partialFor(t, e, 1);
    const other = await partialFor(t, e, 1);
    // swap one proof for another valid-looking one made for a different run: it fails its statement
    const forged = {
      ...good,
      factors: good.factors.map((f, k) =>
        k === 2 ? { factor: f.factor, proof: other.factors[3]!.proof } : f,
      ),
    };
    const height = await boardLength(e.id);
    const res = await post(`/api/elections/${e.id}/partial-decryptions`, t.trustees[0]!.token, forged);
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().error.code, 'DECRYPTION_PROOF_INVALID');
    assert.equal(await boardLength(e.id), height);
    assert.ok((await auditActions(e.id)).includes('tally.partial_decryption_rejected'));
  });

  test('a partial decryption from a non-trustee, or for another trustee, is 403', async () => {
    const p1 = await partialFor(t, e, 1);
    const notTrustee = await post(`/api/elections/${e.id}/partial-decryptions`, t.voter.token, p1);
    assert.equal(notTrustee.statusCode, 403);
    const anonymous = await post(`/api/elections/${e.id}/partial-decryptions`, undefined, p1);
    assert.equal(anonymous.statusCode, 401);
    // trustee 2 posting trustee 1's (valid) partial decryption
    const impostor = await post(`/api/elections/${e.id}/partial-decryptions`, t.trustees[1]!.token, p1);
    assert.equal(impostor.statusCode, 403);
  });

  test('trustee 1 is accepted, a duplicate is 409; results stay hidden', async () => {
    const p1 = await partialFor(t, e, 1);
    const res = await post(`/api/elections/${e.id}/partial-decryptions`, t.trustees[0]!.token, p1);
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().received, [0, 1]);
    assert.equal(res.json().state, 'tallying');
    assert.equal(res.json().verification, null);
    const again = await post(
      `/api/elections/${e.id}/partial-decryptions`,
      t.trustees[0]!.token,
      await partialFor(t, e, 1),
    );
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'PARTIAL_DECRYPTION_DUPLICATE');
    const results = await t.app.inject({ method: 'GET', url: `/api/elections/${e.id}/results` });
    assert.equal(results.statusCode, 401);
  });

  test('trustee 3 completes the quorum: result = plaintext count, verified, tallied', async () => {
    const p3 = await partialFor(t, e, 3);
    const res = await post(`/api/elections/${e.id}/partial-decryptions`, t.trustees[2]!.token, p3);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().state, 'tallied');
    assert.equal(res.json().verification.valid, true);
    assert.equal(await state(e.id), 'tallied');

    const head = await t.board.head(e.id);
    const { rows } = await tdb.db.query<{
      head_hash: string;
      head_height: number;
      valid: boolean;
      report: { valid: boolean };
    }>(
      'test.verification',
      'SELECT head_hash, head_height, valid, report FROM tally_verifications WHERE election_id = $1',
      [e.id],
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.valid, true);
    assert.equal(rows[0]!.report.valid, true);
    assert.equal(rows[0]!.head_hash, head.hash);
    assert.equal(rows[0]!.head_height, head.height);

    // hidden from the public and from voters until published; staff see them
    assert.equal(
      (await t.app.inject({ method: 'GET', url: `/api/elections/${e.id}/results` })).statusCode,
      401,
    );
    const voter = await t.app.inject({
      method: 'GET',
      url: `/api/elections/${e.id}/results`,
      headers: bearer(t.voter.token),
    });
    assert.equal(voter.statusCode, 403);
    const staff = await t.app.inject({
      method: 'GET',
      url: `/api/elections/${e.id}/results`,
      headers: bearer(t.auditor.token),
    });
    assert.equal(staff.statusCode, 200, staff.body);
    const r = staff.json();
    assert.deepEqual(
      r.questions.map((q: { answers: { count: number }[] }) => q.answers.map((a) => a.count)),
      e.expected,
    );
    assert.equal(r.counted, 5);
    const [president, board] = r.questions;
    assert.deepEqual(president.winners, ['ada']);
    assert.deepEqual(president.blank, {
      countable: true,
      count: 1,
      note: 'counted ballots − selections / 1',
    });
    assert.equal(president.answers[0].percentOfBallots, 40);
    assert.equal(president.answers[0].percentOfNonBlank, 50);
    assert.equal(board.blank.countable, false);
    // board: b1 2, b2 3, b3 1, b4 1 → b2 then b1 for the two seats
    assert.deepEqual(board.winners, ['b2', 'b1']);
    assert.equal(r.verification.valid, true);
    assert.equal(r.verification.headHash, head.hash);

    // a late trustee is refused by the lifecycle
    const late = await post(
      `/api/elections/${e.id}/partial-decryptions`,
      t.trustees[1]!.token,
      await partialFor(t, e, 2),
    );
    assert.equal(late.statusCode, 409);
    const actions = await auditActions(e.id);
    for (const a of [
      'tally.started',
      'tally.partial_decryption_accepted',
      'tally.result_computed',
      'tally.verified',
      'election.tallied',
    ]) {
      assert.ok(actions.includes(a), a);
    }
  });

  test('the officer publishes; then results are public', async () => {
    assert.equal((await post(`/api/elections/${e.id}/publish`, t.voter.token)).statusCode, 403);
    const res = await post(`/api/elections/${e.id}/publish`, t.officer.token);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().state, 'published');
    assert.equal(await state(e.id), 'published');
    const pub = await t.app.inject({ method: 'GET', url: `/api/elections/${e.id}/results` });
    assert.equal(pub.statusCode, 200);
    assert.deepEqual(
      pub.json().questions.map((q: { answers: { count: number }[] }) => q.answers.map((a) => a.count)),
      e.expected,
    );
    const results = await t.tally.service.resultsFor(e.id);
    assert.equal(results?.state, 'published');
    assert.equal((await post(`/api/elections/${e.id}/publish`, t.officer.token)).statusCode, 409);
  });
});

describe('last-counts: revotes are counted once', () => {
  test('only the last ballot of each credential counts', async () => {
    const e = await openElection(
      t,
      [
        [
          [P(0), B(0)],
          [P(1), B(1)],
          [P(2), B(2, 3)],
        ],
        [[P(0), B(0, 1)]],
        [
          [P(1), B()],
          [BLANK, B(3)],
        ],
      ],
      'last-counts',
    );
    assert.equal(e.ballots, 6);
    await closeElection(t, e.id);
    const start = await post(`/api/elections/${e.id}/tally`, t.officer.token);
    assert.equal(start.statusCode, 201, start.body);
    assert.equal(start.json().counted, 3);
    // the same trustee twice at once: exactly one partial decryption lands on the board
    const p1 = await partialFor(t, e, 1);
    const height = await boardLength(e.id);
    const race = await Promise.all(
      [1, 2, 3].map(() => post(`/api/elections/${e.id}/partial-decryptions`, t.trustees[0]!.token, p1)),
    );
    assert.deepEqual(race.map((r) => r.statusCode).sort(), [201, 409, 409]);
    assert.equal(await boardLength(e.id), height + 1);
    for (const j of [2]) {
      const res = await post(
        `/api/elections/${e.id}/partial-decryptions`,
        t.trustees[j - 1]!.token,
        await partialFor(t, e, j),
      );
      assert.equal(res.statusCode, 201, res.body);
    }
    assert.equal(await state(e.id), 'tallied');
    const results = await t.tally.service.resultsFor(e.id);
    assert.deepEqual(
      results!.questions.map((q) => q.answers.map((a) => a.count)),
      e.expected,
    );
    assert.deepEqual(e.expected, [
      [1, 0, 1],
      [1, 1, 1, 2],
    ]);
  });
});

describe('a record altered in the database', () => {
  test('fails the verification: the election stays in tallying, the failure is audited and logged', async () => {
    const e = await openElection(t, [[[P(0), B(0)]], [[P(1), B(1)]], [[P(1), B(2)]]]);
    await closeElection(t, e.id);
    assert.equal((await post(`/api/elections/${e.id}/tally`, t.officer.token)).statusCode, 201);
    const p1 = await post(
      `/api/elections/${e.id}/partial-decryptions`,
      t.trustees[0]!.token,
      await partialFor(t, e, 1),
    );
    assert.equal(p1.statusCode, 201);

    // A superuser bypasses the append-only trigger and rewrites a cast ballot's signature.
    await tdb.db.transaction('test.tamper', async (tx) => {
      await tx.query('test.trigger_off', 'ALTER TABLE board_events DISABLE TRIGGER board_events_append_only');
      await tx.query(
        'test.tamper',
        `UPDATE board_events SET payload = jsonb_set(payload, '{signature,c}', to_jsonb($2::text))
          WHERE election_id = $1 AND height = 2`,
        [e.id, 'A'.repeat(43)],
      );
      await tx.query('test.trigger_on', 'ALTER TABLE board_events ENABLE TRIGGER board_events_append_only');
    });

    const p2 = await post(
      `/api/elections/${e.id}/partial-decryptions`,
      t.trustees[1]!.token,
      await partialFor(t, e, 2),
    );
    assert.equal(p2.statusCode, 201, p2.body);
    assert.equal(p2.json().state, 'tallying');
    assert.equal(p2.json().verification.valid, false);
    assert.equal(await state(e.id), 'tallying');

    const { rows } = await tdb.db.query<{
      valid: boolean;
      report: { failures: { code: string; height?: number }[] };
    }>(
      'test.verification',
      'SELECT valid, report FROM tally_verifications WHERE election_id = $1 ORDER BY id',
      [e.id],
    );
    assert.equal(rows.at(-1)!.valid, false);
    assert.ok(
      rows.at(-1)!.report.failures.some((f) => f.height === 2 || f.code.startsWith('CHAIN')),
      JSON.stringify(rows.at(-1)!.report.failures),
    );
    const actions = await auditActions(e.id);
    assert.ok(actions.includes('tally.verification_failed'), actions.join());
    assert.ok(
      t.log.lines.some((l) => l.level === 'error' && /error/.test(String(l.msg)) && l.electionId === e.id),
      t.log.text(),
    );

    // the result is on the board: no partial decryption may follow it (protocol §9.2)
    const height = await boardLength(e.id);
    const p3 = await post(
      `/api/elections/${e.id}/partial-decryptions`,
      t.trustees[2]!.token,
      await partialFor(t, e, 3),
    );
    assert.equal(p3.statusCode, 409);
    assert.equal(await boardLength(e.id), height);

    // the officer retrying gets the domain error; nothing moves
    const retry = await post(`/api/elections/${e.id}/tally/finalize`, t.officer.token);
    assert.equal(retry.statusCode, 409);
    assert.equal(retry.json().error.code, 'TALLY_VERIFICATION_FAILED');
    assert.equal(await state(e.id), 'tallying');
    const pub = await post(`/api/elections/${e.id}/publish`, t.officer.token);
    assert.equal(pub.statusCode, 409);
    const report = await t.app.inject({ method: 'GET', url: `/api/elections/${e.id}/tally/verification` });
    assert.equal(report.statusCode, 200);
    assert.equal(report.json().valid, false);
  });
});

describe('OpenAPI', () => {
  test('documents every tally route with its policy-relevant statuses', async () => {
    const spec = (await t.app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const expected: [string, string, string][] = [
      ['/api/elections/{id}/tally', 'post', '201'],
      ['/api/elections/{id}/tally', 'get', '200'],
      ['/api/elections/{id}/partial-decryptions', 'post', '422'],
      ['/api/elections/{id}/tally/finalize', 'post', '409'],
      ['/api/elections/{id}/tally/verification', 'get', '200'],
      ['/api/elections/{id}/publish', 'post', '200'],
      ['/api/elections/{id}/results', 'get', '200'],
    ];
    for (const [path, method, status] of expected) {
      assert.ok(spec.paths[path]?.[method]?.responses[status], `${method} ${path} ${status}`);
    }
  });
});

describe('an election nobody voted in', () => {
  test('tallies to zeros, verified, with no winners', async () => {
    const e = await openElection(t, []);
    const last = await tallyToEnd(t, e);
    assert.equal(last.state, 'tallied');
    const results = await t.tally.service.resultsFor(e.id);
    assert.equal(results!.counted, 0);
    assert.deepEqual(
      results!.questions.map((q) => q.answers.map((a) => a.count)),
      [
        [0, 0, 0],
        [0, 0, 0, 0],
      ],
    );
    assert.deepEqual(
      results!.questions.map((q) => q.winners),
      [[], []],
    );
    assert.equal(results!.verification?.valid, true);
  });
});

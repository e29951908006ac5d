/**
 * A verification longer than the trustee's request may wait: the submission that completes the
 * quorum is accepted and answered `tallying` at once, the result and the verification go on, and the
 * election reaches `tallied` without anyone asking again (clients poll GET …/tally). Meanwhile the
 * officer's finalize joins the run in progress instead of starting a second one (one verification).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { bearer } from '../access/access-kit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { closeElection, openElection, partialFor, type TallyApp, tallyApp } from './tally-kit.js';

let tdb: TestDatabase;
let t: TallyApp;

before(async () => {
  tdb = await createTestDatabase();
  t = await tallyApp(tdb.db, { finishWaitMs: 0 });
});
after(async () => {
  await t?.app.close();
  await tdb?.drop();
});

test('the quorum-completing trustee is answered at once; the tally finishes in the background', async () => {
  const P = (i: number) => [0, 1, 2].map((a) => (a === i ? 1 : 0));
  const e = await openElection(t, [[[P(0), [1, 0, 0, 0]]], [[P(1), [0, 1, 0, 0]]], [[P(1), [0, 0, 1, 1]]]]);
  await closeElection(t, e.id);
  const start = await t.app.inject({
    method: 'POST',
    url: `/api/elections/${e.id}/tally`,
    headers: bearer(t.officer.token),
  });
  assert.equal(start.statusCode, 201);
  for (const j of [1, 2]) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/elections/${e.id}/partial-decryptions`,
      headers: bearer(t.trustees[j - 1]!.token),
      payload: await partialFor(t, e, j),
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().state, 'tallying');
    assert.equal(res.json().verification, null);
  }
  // the officer asking now joins the run in progress
  const finalize = await t.app.inject({
    method: 'POST',
    url: `/api/elections/${e.id}/tally/finalize`,
    headers: bearer(t.officer.token),
  });
  if (finalize.statusCode === 200) {
    assert.equal(finalize.json().state, 'tallied');
    assert.equal(finalize.json().valid, true);
  } else {
    // the background run was already done (a fast machine): the lifecycle refuses a second one
    assert.equal(finalize.statusCode, 409, finalize.body);
  }
  let status: { state: string; verification: { valid: boolean } | null } | undefined;
  for (let i = 0; i < 100; i++) {
    status = (await t.app.inject({ method: 'GET', url: `/api/elections/${e.id}/tally` })).json();
    if (status!.state === 'tallied') break;
    await sleep(50);
  }
  assert.equal(status?.state, 'tallied');
  assert.equal(status?.verification?.valid, true);
  const { rows } = await tdb.db.query<{ n: string }>(
    'test.verifications',
    'SELECT count(*) AS n FROM tally_verifications WHERE election_id = $1',
    [e.id],
  );
  assert.equal(Number(rows[0]!.n), 1);
  const results = await t.tally.service.resultsFor(e.id);
  assert.deepEqual(
    results!.questions.map((q) => q.answers.map((a) => a.count)),
    e.expected,
  );
});

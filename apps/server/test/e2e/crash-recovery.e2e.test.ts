/**
 * The server process is killed (SIGKILL: no drain, no shutdown) while 40 voters are casting at once,
 * and a new one starts on the same database. Nothing accepted may be lost and nothing may be
 * counted twice: every voter resubmits the very ballot they sent — as the booth does when its
 * request failed — and gets the original receipt back if the ballot had landed (even when the
 * answer was lost with the process), or a first receipt if it had not; the board ends with exactly
 * one ballot per voter, every tracker is found where its receipt says, and the record verifies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ballotToJSON,
  deriveCredentialKey,
  encryptBallot,
  initCore,
  parseCredential,
  systemRandom,
  verifyRecord,
} from '@electra/core';
import { type ApiResponse, expectOk } from '../../src/demo/api-client.js';
import { credentialInMail, fetchElectionParams } from '../../src/demo/election-client.js';
import {
  type E2eProcess,
  mapBounded,
  openReferenceElection,
  type ReferenceElection,
  signIn,
  startE2eServerProcess,
  waitForMail,
} from './e2e-kit.js';

const VOTERS = 40;

describe('a server killed mid-load loses and duplicates nothing', () => {
  let s: E2eProcess;
  let election: ReferenceElection;
  before(async () => {
    await initCore();
    s = await startE2eServerProcess({}, [], { built: false });
    election = await openReferenceElection(s, { voters: VOTERS, revotePolicy: 'forbidden', concurrency: 8 });
  });
  after(() => s?.close());

  test(`SIGKILL while ${VOTERS} voters cast; after a restart every resubmission is answered from the board`, async () => {
    const { electionId } = election;
    const params = await fetchElectionParams(s.api, electionId);
    const voters = await mapBounded(election.voters, 8, async (email, i) => {
      const session = await signIn(s, email);
      const parsed = parseCredential(
        credentialInMail(await waitForMail(s.db, email, 'voting credential')) ?? '',
      );
      assert.ok(parsed.ok, `credential of ${email}`);
      const { ballot } = encryptBallot({
        params,
        credential: deriveCredentialKey(parsed.credential, electionId),
        choices: [
          [0, 1, 2].map((a) => (a === i % 3 ? 1 : 0)),
          [0, 1, 2, 3, 4].map((a) => (a === i % 5 ? 1 : 0)),
        ],
        random: systemRandom,
      });
      return { token: session.token, ballot: ballotToJSON(ballot) };
    });
    const cast = (v: (typeof voters)[number]) =>
      s.api({ method: 'POST', path: `/api/elections/${electionId}/ballots`, token: v.token, body: v.ballot });

    // Everyone at once; the process dies once a few receipts are out, the rest mid-flight.
    let answered = 0;
    const first = voters.map((v) =>
      cast(v).then(
        (r): ApiResponse | Error => {
          answered++;
          return r;
        },
        (e: Error) => e,
      ),
    );
    while (answered < 12) await new Promise((r) => setTimeout(r, 5));
    await s.crashAndRestart();
    const before = await Promise.all(first);
    const cut = before.filter((r) => r instanceof Error).length;
    assert.ok(cut > 0, 'some requests were in flight when the process died');
    for (const r of before) {
      if (!(r instanceof Error)) assert.equal(r.status, 201, r.text);
    }

    // The same ballot again, on the new process (the sessions and keys live in the database).
    const again = await mapBounded(voters, 8, (v) => cast(v));
    let landedUnanswered = 0;
    for (const [i, r] of again.entries()) {
      const earlier = before[i]!;
      if (!(earlier instanceof Error)) {
        assert.equal(
          r.status,
          200,
          `voter ${i}: the accepted ballot is answered with its receipt: ${r.text}`,
        );
        assert.deepEqual(r.body, earlier.body);
      } else {
        assert.ok(r.status === 200 || r.status === 201, `voter ${i}: ${r.status} ${r.text}`);
        if (r.status === 200) landedUnanswered++;
      }
    }
    console.log(
      `crash: ${VOTERS - cut} answered before the kill, ${cut} cut (${landedUnanswered} of them had landed)`,
    );

    const board = await expectOk(s.api, { path: `/api/elections/${electionId}/board?limit=1000` });
    const ballots = board.body.events.filter((e: { type: string }) => e.type === 'ballot');
    assert.equal(ballots.length, VOTERS, 'one ballot per voter: none lost, none twice');
    for (const r of again) {
      const found = await expectOk(s.api, {
        path: `/api/elections/${electionId}/board/${r.body.tracker.hash}`,
      });
      assert.equal(found.body.height, r.body.height);
    }

    const record = await expectOk(s.api, { path: `/api/elections/${electionId}/record` });
    const report = await verifyRecord(() => [record.text], { requireComplete: false });
    assert.ok(report.valid, JSON.stringify(report.failures.slice(0, 3)));
    assert.equal(report.summary.ballots, VOTERS);
  });
});

/**
 * A whole election over real HTTP (issue 5): a server started with `startServer` on PORT=0 and a
 * fresh database, driven only through `fetch` the way its users drive it. The admin (bootstrapped as
 * `electra admin:create` does) makes the officer and three trustees; the officer signs in with a TOTP
 * authenticator enrolled over the API, imports E2E_VOTERS voters (default 300) from CSV and creates
 * two elections — A (`last-counts`, 2 questions) and a small B (`forbidden`) for the double-vote race.
 * The trustees run the ceremony with the core on their side; managed credentials arrive in the
 * outbox; voters set their password through the reset mail, sign in and cast in parallel (bounded),
 * some revote. Refusals each carry their own code: a challenged ballot, a ballot copied from another
 * voter, malformed and forged ballots, a ballot after closing, and of 20 simultaneous ballots of one
 * voter under `forbidden` exactly one is accepted. Then close, tally, trustees 1 and 2 decrypt
 * locally, the result equals the plaintext count kept here, `electra verify` (a child process)
 * accepts the downloaded record, and every voter finds their tracker on the board.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type BallotJson,
  ballotToJSON,
  type CredentialKey,
  decodeBallot,
  deriveCredentialKey,
  type ElectionParams,
  encryptBallot,
  generateCredential,
  initCore,
  openBallot,
  type PedersenTrusteeSecrets,
  parseCredential,
  type Selection,
  signBallot,
  systemRandom,
} from '@electra/core';
import { expectOk } from '../../src/demo/api-client.js';
import {
  credentialInMail,
  fetchElectionParams,
  runKeyCeremony,
  submitPartialDecryption,
} from '../../src/demo/election-client.js';
import {
  bootstrapAdmin,
  type E2eServer,
  electraVerify,
  mapBounded,
  PASSWORD,
  person,
  type Session,
  setPasswordByReset,
  signIn,
  startE2eServer,
  transition,
  waitForMail,
} from './e2e-kit.js';

const VOTERS = Number(process.env.E2E_VOTERS ?? 300);
const CONCURRENCY = 8;
const RACE_GROUP = 4; // voters also eligible in election B

const QUESTIONS = [
  {
    id: 'president',
    title: 'President',
    min: 1,
    max: 1,
    blankAllowed: true,
    answers: ['ada', 'grace', 'alan'].map((id) => ({ id, label: id })),
  },
  {
    id: 'senate',
    title: 'Senate',
    min: 0,
    max: 2,
    blankAllowed: false,
    answers: ['s1', 's2', 's3', 's4', 's5'].map((id) => ({ id, label: id })),
  },
];

/** A random valid selection: president one of 3 or blank, senate 0 to 2 of 5. */
function randomSelection(): Selection {
  const p = Math.floor(Math.random() * 4); // 3 = blank
  const president = [0, 1, 2].map((i) => (i === p ? 1 : 0));
  const k = Math.floor(Math.random() * 3);
  const picks = new Set<number>();
  while (picks.size < k) picks.add(Math.floor(Math.random() * 5));
  const senate = [0, 1, 2, 3, 4].map((i) => (picks.has(i) ? 1 : 0));
  return [president, senate];
}

interface Voter extends Session {
  email: string;
  key: CredentialKey;
  /** trackers of the voter's accepted ballots, in order (the last one counts) */
  trackers: string[];
  last?: Selection;
  /** the JSON of the voter's last accepted ballot */
  cast?: BallotJson;
}

let s: E2eServer;
let officer: Session;
let trustees: (Session & { userId: string; email: string })[];
let voters: Voter[];
const ids = { a: '', b: '' };
const params: Record<'a' | 'b', ElectionParams | undefined> = { a: undefined, b: undefined };
const secrets: Record<'a' | 'b', PedersenTrusteeSecrets[]> = { a: [], b: [] };
const timings: Record<string, number> = {};

function ballot(e: 'a' | 'b', key: CredentialKey, choices: Selection) {
  return encryptBallot({ params: params[e]!, credential: key, choices, random: systemRandom });
}

const castOn = (e: 'a' | 'b', token: string, body: unknown) =>
  s.api({ method: 'POST', path: `/api/elections/${ids[e]}/ballots`, token, body });

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings[name] = Math.round(performance.now() - t0);
  }
}

before(async () => {
  await initCore();
  s = await startE2eServer();
});
after(async () => {
  await s?.close();
  if (Object.keys(timings).length) console.log(`e2e (${VOTERS} voters) stage times ms:`, timings);
});

describe(`a whole election over real HTTP with ${VOTERS} voters`, () => {
  test('the admin makes the officer and three trustees; the officer signs in with TOTP', async () => {
    await bootstrapAdmin(s, 'admin@e2e.example');
    const admin = await signIn(s, 'admin@e2e.example', PASSWORD);
    const o = await person(s, admin.token, 'officer@e2e.example', ['officer']);
    officer = o;
    const me = await expectOk(s.api, { path: '/api/auth/me', token: officer.token });
    assert.match(me.text, /"officer"/);
    trustees = [];
    for (let j = 1; j <= 3; j++)
      trustees.push(await person(s, admin.token, `trustee${j}@e2e.example`, ['voter']));
  });

  test(`the officer imports ${VOTERS} voters from CSV and creates the elections`, async () => {
    const rows = Array.from({ length: VOTERS }, (_, i) => {
      const n = String(i).padStart(4, '0');
      const groups = i < RACE_GROUP ? 'cohort=main;race=yes' : 'cohort=main';
      return `voter${n}@e2e.example,Voter ${n},E2E/${n},${groups}`;
    });
    const csv = ['email,name,matric_number,groups', ...rows].join('\n');
    const imported = await timed('import', () =>
      expectOk(s.api, {
        method: 'POST',
        path: '/api/roll/import',
        token: officer.token,
        body: csv,
        contentType: 'text/csv',
      }),
    );
    assert.equal(imported.body.imported, true);
    assert.equal(imported.body.toCreate, VOTERS);
    for (const [e, title, revotePolicy, group] of [
      ['a', 'E2E union election', 'last-counts', { cohort: ['main'] }],
      ['b', 'E2E forbidden-revote election', 'forbidden', { race: ['yes'] }],
    ] as const) {
      const r = await expectOk(
        s.api,
        {
          method: 'POST',
          path: '/api/elections',
          token: officer.token,
          body: {
            title,
            questions: QUESTIONS,
            revotePolicy,
            credentialMode: 'managed',
            eligibility: { kind: 'groups', groups: group },
          },
        },
        [201],
      );
      ids[e] = r.body.id;
    }
  });

  test('the trustees run the ceremony over the API; credentials are mailed; the elections open', async () => {
    for (const e of ['a', 'b'] as const) {
      secrets[e] = await timed(`ceremony-${e}`, () =>
        runKeyCeremony(s.api, {
          electionId: ids[e],
          officerToken: officer.token,
          trustees: trustees.map((t, i) => ({ userId: t.userId, token: t.token, name: `Trustee ${i + 1}` })),
          threshold: 2,
          random: systemRandom,
        }),
      );
      const ceremony = await expectOk(s.api, {
        path: `/api/elections/${ids[e]}/ceremony`,
        token: officer.token,
      });
      assert.equal(ceremony.body.state, 'ready');
      assert.equal(ceremony.body.ceremony.status, 'completed');
      await transition(s, officer.token, ids[e], 'open');
      params[e] = await fetchElectionParams(s.api, ids[e]);
      assert.equal(params[e]!.publicKey.toBase64Url(), ceremony.body.ceremony.thresholdKey.electionKey);
    }
  });

  test('voters set their password by the reset mail, sign in, read their credential and vote', async () => {
    voters = await timed('voters-sign-in', () =>
      mapBounded(
        Array.from({ length: VOTERS }, (_, i) => `voter${String(i).padStart(4, '0')}@e2e.example`),
        CONCURRENCY,
        async (email) => {
          await setPasswordByReset(s, email);
          const session = await signIn(s, email);
          const mail = await waitForMail(s.db, email, 'voting credential for E2E union');
          const parsed = parseCredential(credentialInMail(mail) ?? '');
          assert.ok(parsed.ok, `a credential in the mail to ${email}`);
          return { ...session, email, key: deriveCredentialKey(parsed.credential, ids.a), trackers: [] };
        },
      ),
    );
    // Voter 0 challenges a ballot first (Benaloh audit): published with its opening, never castable.
    const v0 = voters[0]!;
    const challenged = ballot('a', v0.key, randomSelection());
    const audit = await expectOk(
      s.api,
      {
        method: 'POST',
        path: `/api/elections/${ids.a}/ballots/audit`,
        token: v0.token,
        body: { ballot: ballotToJSON(challenged.ballot), opening: openBallot(challenged.secrets) },
      },
      [201],
    );
    assert.ok(audit.body);
    const refused = await castOn('a', v0.token, ballotToJSON(challenged.ballot));
    assert.deepEqual([refused.status, refused.body?.error?.code], [409, 'BALLOT_CHALLENGED']);

    await timed('casting', () =>
      mapBounded(voters, CONCURRENCY, async (v) => {
        const choices = randomSelection();
        const body = ballotToJSON(ballot('a', v.key, choices).ballot);
        const r = await castOn('a', v.token, body);
        assert.equal(r.status, 201, r.text);
        v.trackers.push(r.body.tracker.hash);
        v.last = choices;
        v.cast = body;
      }),
    );
    // every 10th voter changes their mind: under last-counts the revote replaces the first ballot
    const revoters = voters.filter((_, i) => i % 10 === 3);
    await timed('revotes', () =>
      mapBounded(revoters, CONCURRENCY, async (v) => {
        const choices = randomSelection();
        const body = ballotToJSON(ballot('a', v.key, choices).ballot);
        const r = await castOn('a', v.token, body);
        assert.equal(r.status, 201, r.text);
        v.trackers.push(r.body.tracker.hash);
        v.last = choices;
        v.cast = body;
      }),
    );
  });

  test('refusals carry their own codes: copied, malformed, forged, wrong election, unknown credential', async () => {
    const [victim, thief, forger] = [voters[1]!, voters[2]!, voters[5]!];
    // a ballot copied from another voter: the one they cast (replayed), and a fresh one of theirs
    for (const copied of [victim.cast!, ballotToJSON(ballot('a', victim.key, randomSelection()).ballot)]) {
      const r = await castOn('a', thief.token, copied);
      assert.deepEqual([r.status, r.body.error.code], [403, 'CREDENTIAL_NOT_YOURS']);
    }

    const good = ballotToJSON(
      ballot('a', forger.key, [
        [1, 0, 0],
        [0, 0, 0, 0, 0],
      ]).ballot,
    );
    const resigned = (mutate: (b: BallotJson) => void) => {
      const copy = JSON.parse(JSON.stringify(good)) as BallotJson;
      mutate(copy);
      const decoded = decodeBallot(copy);
      assert.ok(decoded.ok);
      return ballotToJSON(signBallot(params.a!, decoded.ballot, forger.key, systemRandom));
    };
    const swap = (p: { c: string; z: string }) => {
      [p.c, p.z] = [p.z, p.c];
    };
    const badSignature = JSON.parse(JSON.stringify(good)) as BallotJson;
    swap(badSignature.signature as { c: string; z: string });
    const stranger = deriveCredentialKey(generateCredential(systemRandom), ids.a);
    const raceVoter = voters[0]!;
    const raceKey = deriveCredentialKey(
      (
        parseCredential(
          credentialInMail(await waitForMail(s.db, raceVoter.email, 'voting credential for E2E forbidden')) ??
            '',
        ) as { credential: Parameters<typeof deriveCredentialKey>[0] }
      ).credential,
      ids.b,
    );
    const cases: [unknown, number, string][] = [
      [{ v: 1 }, 400, 'BALLOT_MALFORMED'],
      [{ ...good, extra: true }, 400, 'BALLOT_MALFORMED'],
      [{ ...good, credential: 'not base64!' }, 400, 'BALLOT_MALFORMED'],
      [badSignature, 422, 'BALLOT_BAD_SIGNATURE'],
      [
        resigned((b) => swap(b.answers[0]!.proofs[0]![0]! as { c: string; z: string })),
        422,
        'BALLOT_BAD_CHOICE_PROOF',
      ],
      [
        resigned((b) => swap(b.answers[1]!.overall[0]! as { c: string; z: string })),
        422,
        'BALLOT_BAD_OVERALL_PROOF',
      ],
      [ballotToJSON(ballot('b', raceKey, randomSelection()).ballot), 422, 'BALLOT_WRONG_ELECTION'],
      [ballotToJSON(ballot('a', stranger, randomSelection()).ballot), 422, 'CREDENTIAL_UNKNOWN'],
    ];
    for (const [body, status, code] of cases) {
      const r = await castOn('a', forger.token, body);
      assert.deepEqual([r.status, r.body?.error?.code], [status, code], r.text);
    }
  });

  test('20 simultaneous ballots of one voter under `forbidden`: exactly one is accepted', async () => {
    const v = voters[0]!;
    const mail = await waitForMail(s.db, v.email, 'voting credential for E2E forbidden');
    const parsed = parseCredential(credentialInMail(mail) ?? '');
    assert.ok(parsed.ok);
    const key = deriveCredentialKey(parsed.credential, ids.b);
    const same = ballotToJSON(
      ballot('b', key, [
        [0, 1, 0],
        [1, 1, 0, 0, 0],
      ]).ballot,
    );
    const bodies = [
      ...Array.from({ length: 10 }, () => same),
      ...Array.from({ length: 10 }, () => ballotToJSON(ballot('b', key, randomSelection()).ballot)),
    ];
    const answers = await Promise.all(bodies.map((b) => castOn('b', v.token, b)));
    const accepted = answers.filter((a) => a.status === 201);
    assert.equal(accepted.length, 1, answers.map((a) => a.status).join(','));
    const winner = answers.findIndex((a) => a.status === 201);
    for (const [i, a] of answers.entries()) {
      if (i === winner) continue;
      if (winner < 10 && i < 10) {
        // the identical ballot again: its receipt, nothing appended
        assert.equal(a.status, 200, a.text);
        assert.deepEqual(a.body, accepted[0]!.body);
      } else assert.deepEqual([a.status, a.body.error.code], [409, 'ALREADY_VOTED']);
    }
    const board = await expectOk(s.api, { path: `/api/elections/${ids.b}/board?limit=1000` });
    assert.equal(board.body.events.filter((e: { type: string }) => e.type === 'ballot').length, 1);
  });

  test("/metrics exports each open election's turnout, equal to the turnout report, and statement timings", async () => {
    const scrape = (await s.api({ path: '/metrics' })).text;
    assert.match(scrape, /^electra_db_statement_seconds_count\{statement="board\.append"\} [1-9]\d*$/m);
    for (const e of ['a', 'b'] as const) {
      const report = await expectOk(s.api, {
        path: `/api/elections/${ids[e]}/turnout`,
        token: officer.token,
      });
      const m = new RegExp(`^electra_election_turnout_ratio\\{election="${ids[e]}"\\} (\\S+)$`, 'm').exec(
        scrape,
      );
      assert.ok(m, `no turnout gauge for election ${e}`);
      assert.ok(report.body.voted > 0 && report.body.eligible > 0);
      assert.ok(Math.abs(Number(m[1]) - report.body.voted / report.body.eligible) < 1e-9, `${m[1]} ≠ report`);
    }
  });

  test('after closing a ballot is refused; the tally decrypts to the plaintext count', async () => {
    await transition(s, officer.token, ids.a, 'closed');
    const late = voters[7]!;
    const r = await castOn('a', late.token, ballotToJSON(ballot('a', late.key, randomSelection()).ballot));
    assert.deepEqual([r.status, r.body.error.code], [409, 'ELECTION_NOT_OPEN']);

    await timed('tally', () =>
      expectOk(s.api, { method: 'POST', path: `/api/elections/${ids.a}/tally`, token: officer.token }, [201]),
    );
    let last: Awaited<ReturnType<typeof submitPartialDecryption>> | undefined;
    await timed('decryption', async () => {
      // each trustee checks the tally against the record first (§8.4.1); trustee 1 verifies every
      // ballot, trustee 2 (played by the same test) re-sums the board trustee 1 verified
      for (const j of [1, 2]) {
        last = await submitPartialDecryption(s.api, {
          electionId: ids.a,
          token: trustees[j - 1]!.token,
          params: params.a!,
          secrets: secrets.a[j - 1]!,
          random: systemRandom,
          ...(last ? { alreadyVerified: last.verified } : {}),
        });
      }
    });
    assert.equal(last?.state, 'tallied');
    assert.equal(last?.verification?.valid, true);

    const expected = QUESTIONS.map((q) => q.answers.map(() => 0));
    for (const v of voters)
      for (const [q, row] of v.last!.entries()) for (const [a, m] of row.entries()) expected[q]![a]! += m;
    const results = await expectOk(s.api, { path: `/api/elections/${ids.a}/results`, token: officer.token });
    assert.equal(results.body.counted, VOTERS);
    assert.deepEqual(
      results.body.questions.map((q: { answers: { count: number }[] }) => q.answers.map((a) => a.count)),
      expected,
    );
  });

  test('`electra verify` accepts the downloaded record; every voter finds their tracker on the board', async () => {
    const record = await expectOk(s.api, { path: `/api/elections/${ids.a}/record` });
    const file = join(mkdtempSync(join(tmpdir(), 'electra-e2e-record-')), 'record.jsonl');
    writeFileSync(file, record.text);
    const run = await timed('electra-verify', () => electraVerify([file, '--workers', '1']));
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);

    await mapBounded(voters, CONCURRENCY, async (v) => {
      for (const [i, tracker] of v.trackers.entries()) {
        const at = await expectOk(s.api, { path: `/api/elections/${ids.a}/board/${tracker}` });
        assert.equal(at.body.kind, 'ballot');
        assert.equal(at.body.counted, i === v.trackers.length - 1, `${v.email} ballot ${i} counted`);
      }
    });
  });
});

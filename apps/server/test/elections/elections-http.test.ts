/**
 * Elections over HTTP on a real database: drafting with field-named validation errors, optimistic
 * concurrency, the ballot frozen once the ceremony starts, legal and illegal transitions (audited,
 * opening writes the board in the same transaction), the role matrix, the public view and the voter's
 * own list.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ElectionDraftInput } from '../../src/domain/elections/election.js';
import { signedIn } from '../access/access-kit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  auth,
  createElection,
  type ElectionsApp,
  electionsApp,
  forceState,
  sampleDraft,
} from './elections-kit.js';

let tdb: TestDatabase;
let ea: ElectionsApp;

before(async () => {
  tdb = await createTestDatabase();
  ea = await electionsApp(tdb.db);
});
after(async () => {
  await ea?.app.close();
  await tdb?.drop();
});

const errorOf = (r: { json(): unknown }) => (r.json() as { error: { code: string; message: string } }).error;

describe('drafting', () => {
  test('an officer creates a draft: manifest with the election id, presentation apart, audited', async () => {
    const r = await ea.app.inject({
      method: 'POST',
      url: '/api/elections',
      headers: auth(ea.officer),
      payload: sampleDraft(),
    });
    assert.equal(r.statusCode, 201);
    const e = r.json();
    assert.equal(e.state, 'draft');
    assert.equal(e.version, 1);
    assert.deepEqual(e.nextStates, ['key_ceremony', 'cancelled']);
    assert.equal(e.questions[0].answers[0].photoUrl, 'https://cdn.example.edu/ada.jpg');
    assert.equal(e.questions[0].answerOrder, 'shuffled');
    assert.equal(e.timeZone, 'Africa/Lagos');
    assert.equal(e.opensAt, '2026-03-02T07:00:00.000Z');
    const { rows } = await tdb.db.query<{ manifest: { id: string; questions: { answers: object[] }[] } }>(
      't',
      'SELECT manifest FROM elections WHERE id = $1',
      [e.id],
    );
    assert.equal(rows[0]!.manifest.id, e.id);
    assert.deepEqual(rows[0]!.manifest.questions[0]!.answers[0], { id: 'ada', label: 'Ada Obi' });
    const entries = await ea.audit.list({ target: `election:${e.id}`, limit: 10 });
    assert.deepEqual(
      entries.map((x) => x.action),
      ['election.created'],
    );
  });

  test('a system actor (CLI, demo) creates through the service; the audit entry names it', async () => {
    const draft = sampleDraft({ title: 'Demo election' }) as unknown as ElectionDraftInput;
    const r = await ea.elections.service.create('demo', draft);
    assert.ok(r.ok);
    assert.equal(r.election.createdBy, null);
    const entries = await ea.audit.list({ target: `election:${r.election.id}`, limit: 5 });
    assert.deepEqual(
      entries.map((x) => [x.action, x.actor]),
      [['election.created', 'demo']],
    );
  });

  const invalid: [string, Record<string, unknown>, string, string][] = [
    ['missing title', { title: undefined }, 'VALIDATION_FAILED', 'title'],
    [
      'max above the number of answers',
      { questions: [{ ...sampleDraft().questions[1], max: 3 }] },
      'ELECTION_INVALID',
      'questions[0].max',
    ],
    [
      'duplicate answer id',
      {
        questions: [
          {
            ...sampleDraft().questions[1],
            answers: [
              { id: 'a', label: 'A' },
              { id: 'a', label: 'B' },
            ],
          },
        ],
      },
      'ELECTION_INVALID',
      'questions[0].answers[1].id',
    ],
    [
      'bad answer id',
      { questions: [{ ...sampleDraft().questions[1], answers: [{ id: '-x', label: 'A' }] }] },
      'ELECTION_INVALID',
      'questions[0].answers[0].id',
    ],
    ['unknown time zone', { timeZone: 'Mars/Olympus' }, 'ELECTION_INVALID', 'timeZone'],
    ['close before open', { closesAt: '2026-03-01T00:00:00Z' }, 'ELECTION_INVALID', 'closesAt'],
    ['time without offset', { opensAt: '2026-03-02T08:00:00' }, 'ELECTION_INVALID', 'opensAt'],
    [
      'javascript photo URL',
      {
        questions: [
          {
            ...sampleDraft().questions[1],
            answers: [{ id: 'a', label: 'A', photoUrl: 'javascript:alert(1)' }],
          },
        ],
      },
      'ELECTION_INVALID',
      'questions[0].answers[0].photoUrl',
    ],
    [
      'plain-http photo URL (the booth only loads https images)',
      {
        questions: [
          {
            ...sampleDraft().questions[1],
            answers: [{ id: 'a', label: 'A', photoUrl: 'http://cdn.example.edu/ada.jpg' }],
          },
        ],
      },
      'ELECTION_INVALID',
      'questions[0].answers[0].photoUrl',
    ],
    [
      'empty groups',
      { eligibility: { kind: 'groups', groups: {} } },
      'ELECTION_INVALID',
      'eligibility.groups',
    ],
    ['bad revote policy', { revotePolicy: 'sometimes' }, 'VALIDATION_FAILED', 'revotePolicy'],
  ];
  for (const [name, over, code, field] of invalid) {
    test(`400 ${code} naming the field: ${name}`, async () => {
      const r = await ea.app.inject({
        method: 'POST',
        url: '/api/elections',
        headers: auth(ea.officer),
        payload: sampleDraft(over),
      });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(errorOf(r).code, code);
      assert.ok(errorOf(r).message.includes(field), `${errorOf(r).message} should name ${field}`);
    });
  }

  test('edits need the current version; a stale one is 409 VERSION_CONFLICT', async () => {
    const { id } = await createElection(ea);
    const ok = await ea.app.inject({
      method: 'PATCH',
      url: `/api/elections/${id}`,
      headers: auth(ea.officer),
      payload: { version: 1, title: 'SU 2026 (amended)', revotePolicy: 'last-counts' },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().version, 2);
    assert.equal(ok.json().title, 'SU 2026 (amended)');
    assert.equal(ok.json().questions.length, 2, 'fields not sent are kept');
    const stale = await ea.app.inject({
      method: 'PATCH',
      url: `/api/elections/${id}`,
      headers: auth(ea.officer),
      payload: { version: 1, title: 'Other' },
    });
    assert.equal(stale.statusCode, 409);
    assert.equal(errorOf(stale).code, 'VERSION_CONFLICT');
    const bad = await ea.app.inject({
      method: 'PATCH',
      url: `/api/elections/${id}`,
      headers: auth(ea.officer),
      payload: { version: 2, timeZone: 'Nowhere/Here' },
    });
    assert.equal(bad.statusCode, 400);
    assert.match(errorOf(bad).message, /^timeZone/);
    const entries = await ea.audit.list({ target: `election:${id}`, limit: 10 });
    assert.deepEqual(
      entries.map((x) => x.action),
      ['election.created', 'election.updated'],
    );
  });

  test('the ballot is frozen once the ceremony starts: 409 ELECTION_NOT_EDITABLE', async () => {
    const { id } = await createElection(ea);
    const version = await forceState(tdb.db, id, 'key_ceremony');
    const r = await ea.app.inject({
      method: 'PATCH',
      url: `/api/elections/${id}`,
      headers: auth(ea.officer),
      payload: { version, title: 'Changed' },
    });
    assert.equal(r.statusCode, 409);
    assert.equal(errorOf(r).code, 'ELECTION_NOT_EDITABLE');
    const { rows } = await tdb.db.query<{ title: string }>('t', 'SELECT title FROM elections WHERE id = $1', [
      id,
    ]);
    assert.equal(rows[0]!.title, 'Student Union 2026');
  });
});

describe('lifecycle', () => {
  const move = (id: string, to: string, version: number, who = ea.officer) =>
    ea.app.inject({
      method: 'POST',
      url: `/api/elections/${id}/transitions`,
      headers: auth(who),
      payload: { to, version },
    });

  test('illegal transitions are 409 INVALID_ELECTION_STATE and change nothing', async () => {
    const { id } = await createElection(ea);
    const r = await move(id, 'open', 1);
    assert.equal(r.statusCode, 409);
    assert.equal(errorOf(r).code, 'INVALID_ELECTION_STATE');
    const closed = await move(id, 'closed', 1);
    assert.equal(errorOf(closed).code, 'INVALID_ELECTION_STATE');
    const ceremony = await move(id, 'key_ceremony', 1);
    assert.equal(ceremony.statusCode, 400, 'the ceremony routes own key_ceremony');
    const e = (await ea.app.inject({ url: `/api/elections/${id}`, headers: auth(ea.officer) })).json();
    assert.equal(e.state, 'draft');
    assert.equal(e.version, 1);
  });

  test('open from ready writes the board in the same transaction, is audited, then close and the stale version', async () => {
    const { id } = await createElection(ea);
    const version = await forceState(tdb.db, id, 'ready');
    assert.equal(errorOf(await move(id, 'open', version - 1)).code, 'VERSION_CONFLICT');
    const opened = await move(id, 'open', version);
    assert.equal(opened.statusCode, 200, opened.body);
    assert.equal(opened.json().state, 'open');
    assert.deepEqual(
      ea.boardOpened.filter((x) => x === id),
      [id],
    );
    const closed = await move(id, 'closed', opened.json().version);
    assert.equal(closed.json().state, 'closed');
    assert.deepEqual(
      ea.boardClosed.filter((x) => x === id),
      [id],
      'end-ballots in the closing transaction',
    );
    const entries = await ea.audit.list({ target: `election:${id}`, limit: 10 });
    assert.deepEqual(
      entries.map((x) => x.action),
      ['election.created', 'election.open', 'election.closed'],
    );
    assert.equal(entries[1]!.actor, ea.officer.user.id);
  });

  test('a failing board opener is 409 BOARD_OPEN_FAILED and leaves nothing half-done', async () => {
    const { id } = await createElection(ea);
    const version = await forceState(tdb.db, id, 'ready');
    // The opener gets as far as writing a setup event on the board, then fails.
    ea.elections.setOpenBoard(async (electionId, tx) => {
      await tx.query(
        'test.setup_event',
        `INSERT INTO board_events (election_id, height, type, payload, parent, hash)
         VALUES ($1, 0, 'setup', '{}'::jsonb, repeat('A', 43), repeat('B', 43))`,
        [electionId],
      );
      throw new Error('credential 3 is not a group element');
    });
    let r: Awaited<ReturnType<typeof move>>;
    try {
      r = await move(id, 'open', version);
    } finally {
      ea.elections.setOpenBoard(async (electionId) => {
        ea.boardOpened.push(electionId);
      });
    }
    assert.equal(r.statusCode, 409, r.body);
    const error = (r.json() as { error: { code: string; message: string; requestId: string } }).error;
    assert.equal(error.code, 'BOARD_OPEN_FAILED');
    assert.match(error.message, /stays ready/);
    assert.doesNotMatch(error.message, /group element/, 'the internal cause stays in the log');
    assert.equal(error.requestId, r.headers['x-request-id']);
    const e = (await ea.app.inject({ url: `/api/elections/${id}`, headers: auth(ea.officer) })).json();
    assert.equal(e.state, 'ready');
    assert.equal(e.version, version, 'the version did not move');
    const { rows } = await tdb.db.query<{ n: string }>(
      't',
      'SELECT count(*) AS n FROM board_events WHERE election_id = $1',
      [id],
    );
    assert.equal(Number(rows[0]!.n), 0, 'no board event');
    assert.equal(
      (await ea.audit.list({ target: `election:${id}`, actionPrefix: 'election.open', limit: 5 })).length,
      0,
    );
    // Once the board can be opened, the same request succeeds.
    const again = await move(id, 'open', version);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().state, 'open');
  });

  test('cancel is allowed per the state machine, and nothing after it', async () => {
    const { id } = await createElection(ea);
    const c = await move(id, 'cancelled', 1);
    assert.equal(c.json().state, 'cancelled');
    assert.equal(errorOf(await move(id, 'cancelled', c.json().version)).code, 'INVALID_ELECTION_STATE');
  });
});

describe('role matrix', () => {
  test('voters and auditors cannot create, edit or move elections; anonymous callers are 401', async () => {
    const { id } = await createElection(ea);
    for (const who of [ea.voter, ea.auditor]) {
      const c = await ea.app.inject({
        method: 'POST',
        url: '/api/elections',
        headers: auth(who),
        payload: sampleDraft(),
      });
      assert.equal(c.statusCode, 403);
      const p = await ea.app.inject({
        method: 'PATCH',
        url: `/api/elections/${id}`,
        headers: auth(who),
        payload: { version: 1, title: 'x' },
      });
      assert.equal(p.statusCode, 403);
      const t = await ea.app.inject({
        method: 'POST',
        url: `/api/elections/${id}/transitions`,
        headers: auth(who),
        payload: { to: 'cancelled', version: 1 },
      });
      assert.equal(t.statusCode, 403);
      const v = await ea.app.inject({ url: `/api/elections/${id}/voters`, headers: auth(who) });
      assert.equal(v.statusCode, 403);
    }
    assert.equal(
      (await ea.app.inject({ method: 'POST', url: '/api/elections', payload: sampleDraft() })).statusCode,
      401,
    );
    assert.equal((await ea.app.inject({ url: '/api/elections' })).statusCode, 401);
  });

  test('staff list and read all elections (drafts included); voters do not', async () => {
    const { id } = await createElection(ea);
    for (const who of [ea.officer, ea.admin, ea.auditor]) {
      const list = await ea.app.inject({ url: '/api/elections?limit=200', headers: auth(who) });
      assert.equal(list.statusCode, 200);
      assert.ok(list.json().elections.some((e: { id: string }) => e.id === id));
      assert.equal(
        (await ea.app.inject({ url: `/api/elections/${id}`, headers: auth(who) })).statusCode,
        200,
      );
    }
    assert.equal((await ea.app.inject({ url: '/api/elections', headers: auth(ea.voter) })).statusCode, 403);
    assert.equal(
      (await ea.app.inject({ url: `/api/elections/${id}`, headers: auth(ea.voter) })).statusCode,
      403,
    );
  });

  test('an officer without a second factor is refused (MFA_REQUIRED)', async () => {
    const o = await signedIn(ea.auth, 'nomfa-officer@example.edu', ['officer'], { mfa: false });
    const r = await ea.app.inject({
      method: 'POST',
      url: '/api/elections',
      headers: auth(o),
      payload: sampleDraft(),
    });
    assert.equal(r.statusCode, 403);
    assert.equal(errorOf(r).code, 'MFA_REQUIRED');
  });

  test('the staff list pages with a cursor', async () => {
    await createElection(ea);
    await createElection(ea);
    const first = (await ea.app.inject({ url: '/api/elections?limit=1', headers: auth(ea.officer) })).json();
    assert.equal(first.elections.length, 1);
    assert.ok(first.next);
    const second = (
      await ea.app.inject({ url: `/api/elections?limit=1&before=${first.next}`, headers: auth(ea.officer) })
    ).json();
    assert.notEqual(second.elections[0].id, first.elections[0].id);
    const bad = await ea.app.inject({ url: '/api/elections?before=nonsense', headers: auth(ea.officer) });
    assert.equal(bad.statusCode, 400);
  });
});

describe('public and voter views', () => {
  test('the public view exists only once the election runs, and holds no voter data', async () => {
    const { id } = await createElection(ea);
    assert.equal((await ea.app.inject({ url: `/api/elections/${id}/public` })).statusCode, 404);
    await forceState(tdb.db, id, 'open');
    const r = await ea.app.inject({ url: `/api/elections/${id}/public` });
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.equal(body.manifest.id, id);
    assert.equal(body.manifest.v, 1);
    assert.equal(body.presentation.questions[0].answers[1].manifesto, 'Longer library hours');
    assert.deepEqual(Object.keys(body).sort(), [
      'closesAt',
      'description',
      'fingerprint',
      'id',
      'manifest',
      'opensAt',
      'presentation',
      'revotePolicy',
      'state',
      'timeZone',
    ]);
  });

  test('a voter sees the elections they are eligible for (by group), with whether they voted', async () => {
    const science = await createElection(ea, {
      title: 'Science faculty board',
      eligibility: { kind: 'groups', groups: { faculty: ['science'] } },
    });
    const arts = await createElection(ea, {
      title: 'Arts faculty board',
      eligibility: { kind: 'groups', groups: { faculty: ['Arts'] } },
    });
    const hidden = await createElection(ea, { title: 'Still a draft' });
    await forceState(tdb.db, science.id, 'open');
    await forceState(tdb.db, arts.id, 'open');
    await tdb.db.query(
      't',
      `INSERT INTO voters_voted (election_id, user_id, first_at, last_at, count) VALUES ($1, $2, now(), now(), 1)`,
      [science.id, ea.voter.user.id],
    );
    const r = await ea.app.inject({ url: '/api/me/elections', headers: auth(ea.voter) });
    assert.equal(r.statusCode, 200);
    const mine = r.json() as { elections: { id: string; voted?: boolean }[]; participationKnown: boolean };
    const ids = mine.elections.map((e) => e.id);
    assert.ok(ids.includes(science.id), 'faculty matches case-insensitively');
    assert.ok(!ids.includes(arts.id));
    assert.ok(!ids.includes(hidden.id), 'drafts are not shown to voters');
    assert.equal(mine.participationKnown, true);
    assert.equal(mine.elections.find((e) => e.id === science.id)?.voted, true);
    assert.equal(await ea.elections.isEligible(science.id, ea.voter.user.id), true);
    assert.equal(await ea.elections.isEligible(arts.id, ea.voter.user.id), false);
  });
});

describe('OpenAPI', () => {
  test('the document lists every elections route with its responses', async () => {
    const r = await ea.app.inject({ url: '/api/openapi.json' });
    assert.equal(r.statusCode, 200);
    const spec = r.json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
    };
    const expected: [string, string, string][] = [
      ['/api/elections', 'post', '201'],
      ['/api/elections', 'get', '200'],
      ['/api/elections/{id}', 'get', '200'],
      ['/api/elections/{id}', 'patch', '409'],
      ['/api/elections/{id}/transitions', 'post', '409'],
      ['/api/elections/{id}/voters', 'put', '422'],
      ['/api/elections/{id}/voters', 'get', '200'],
      ['/api/elections/{id}/public', 'get', '200'],
      ['/api/me/elections', 'get', '200'],
      ['/api/elections/{id}/turnout', 'get', '200'],
      ['/api/elections/{id}/export/{file}', 'get', '200'],
    ];
    for (const [path, method, status] of expected) {
      assert.ok(spec.paths[path]?.[method]?.responses[status], `${method.toUpperCase()} ${path} ${status}`);
    }
    assert.ok(
      spec.paths['/api/elections/{id}/voters']!.put!.requestBody,
      'the voter list body is documented',
    );
  });
});

/**
 * Eligibility on a real database: the explicit list set by user ids or by a CSV of emails and
 * identifiers (all-or-nothing, unknown lines reported), paged reads, frozen outside draft, and the
 * group rule (every key must match; string or array attributes; disabled accounts and non-voters
 * never eligible).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signedIn } from '../access/access-kit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { auth, createElection, type ElectionsApp, electionsApp, forceState } from './elections-kit.js';

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

describe('explicit voter list', () => {
  test('PUT with user ids replaces the list, bumps the version, is audited; GET pages it', async () => {
    const { id } = await createElection(ea, { eligibility: { kind: 'list' } });
    const users = await Promise.all(
      [1, 2, 3].map((i) => signedIn(ea.auth, `list${i}@example.edu`, ['voter'])),
    );
    const put = await ea.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/voters`,
      headers: auth(ea.officer),
      payload: { userIds: users.map((u) => u.user.id), version: 1 },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(put.json(), { count: 3, version: 2 });
    const page1 = (
      await ea.app.inject({ url: `/api/elections/${id}/voters?limit=2`, headers: auth(ea.officer) })
    ).json();
    assert.equal(page1.total, 3);
    assert.equal(page1.voters.length, 2);
    const page2 = (
      await ea.app.inject({
        url: `/api/elections/${id}/voters?limit=2&after=${page1.next}`,
        headers: auth(ea.officer),
      })
    ).json();
    assert.equal(page2.voters.length, 1);
    assert.equal(page2.next, null);
    const all = [...page1.voters, ...page2.voters].map((v: { email: string }) => v.email).sort();
    assert.deepEqual(all, ['list1@example.edu', 'list2@example.edu', 'list3@example.edu']);
    for (const u of users) assert.equal(await ea.elections.isEligible(id, u.user.id), true);
    assert.equal(await ea.elections.isEligible(id, ea.voter.user.id), false);
    const entries = await ea.audit.list({
      target: `election:${id}`,
      actionPrefix: 'election.voters_set',
      limit: 5,
    });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.details.count, 3);
  });

  test('PUT text/csv resolves emails and identifiers; an unknown line rejects the whole file', async () => {
    const { id } = await createElection(ea, { eligibility: { kind: 'list' } });
    const a = await ea.auth.users.create({
      email: 'csv-a@example.edu',
      fullName: 'Csv A',
      roles: ['voter'],
      identifiers: [{ kind: 'matric', value: 'U2026/001' }],
    });
    assert.ok(a.ok);
    await signedIn(ea.auth, 'csv-b@example.edu', ['voter']);
    const csv = 'email\r\nCSV-B@example.edu\r\nu2026/001\r\n';
    const ok = await ea.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/voters?version=1`,
      headers: { ...auth(ea.officer), 'content-type': 'text/csv' },
      payload: csv,
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().count, 2);
    const bad = await ea.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/voters`,
      headers: { ...auth(ea.officer), 'content-type': 'text/csv' },
      payload: 'csv-a@example.edu\nnobody@example.edu\n',
    });
    assert.equal(bad.statusCode, 422);
    assert.equal(errorOf(bad).code, 'VOTER_LIST_INVALID');
    assert.match(errorOf(bad).message, /line 2 'nobody@example.edu'/);
    const list = (
      await ea.app.inject({ url: `/api/elections/${id}/voters`, headers: auth(ea.officer) })
    ).json();
    assert.equal(list.total, 2, 'the failed upload changed nothing');
  });

  test('unknown user ids, a stale version, a non-list election and a frozen election are refused', async () => {
    const { id } = await createElection(ea, { eligibility: { kind: 'list' } });
    const unknown = await ea.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/voters`,
      headers: auth(ea.officer),
      payload: { userIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    assert.equal(errorOf(unknown).code, 'VOTER_LIST_INVALID');
    const malformed = await ea.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/voters`,
      headers: auth(ea.officer),
      payload: { userIds: ['not-a-uuid'] },
    });
    assert.equal(malformed.statusCode, 400);
    assert.match(errorOf(malformed).message, /userIds/);
    const stale = await ea.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/voters`,
      headers: auth(ea.officer),
      payload: { userIds: [], version: 7 },
    });
    assert.equal(errorOf(stale).code, 'VERSION_CONFLICT');
    const all = await createElection(ea);
    const notList = await ea.app.inject({
      method: 'PUT',
      url: `/api/elections/${all.id}/voters`,
      headers: auth(ea.officer),
      payload: { userIds: [] },
    });
    assert.equal(errorOf(notList).code, 'ELIGIBILITY_NOT_LIST');
    await forceState(tdb.db, id, 'key_ceremony');
    const frozen = await ea.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/voters`,
      headers: auth(ea.officer),
      payload: { userIds: [] },
    });
    assert.equal(frozen.statusCode, 409);
    assert.equal(errorOf(frozen).code, 'ELECTION_NOT_EDITABLE');
  });
});

describe('groups', () => {
  test('every listed key must match; arrays match by any element; disabled accounts and non-voters never', async () => {
    const { id } = await createElection(ea, {
      eligibility: { kind: 'groups', groups: { faculty: ['Science', 'Engineering'], level: ['300'] } },
    });
    const mk = async (
      email: string,
      attributes: Record<string, string | string[]>,
      roles: ('voter' | 'officer')[] = ['voter'],
    ) => {
      const r = await ea.auth.users.create({ email, fullName: email.split('@')[0]!, roles, attributes });
      if (!r.ok) throw new Error(r.code);
      return r;
    };
    const yes1 = await mk('g1@example.edu', { faculty: 'engineering', level: '300' });
    const yes2 = await mk('g2@example.edu', { faculty: ['Arts', 'Science'], level: '300' });
    const noLevel = await mk('g3@example.edu', { faculty: 'Science', level: '200' });
    const noKey = await mk('g4@example.edu', { faculty: 'Science' });
    const officer = await mk('g5@example.edu', { faculty: 'Science', level: '300' }, ['officer']);
    const disabled = await mk('g6@example.edu', { faculty: 'Science', level: '300' });
    await tdb.db.query('t', 'UPDATE users SET disabled_at = now() WHERE id = $1', [disabled.user.id]);
    const check = async (u: { user: { id: string } }) => ea.elections.isEligible(id, u.user.id);
    assert.equal(await check(yes1), true);
    assert.equal(await check(yes2), true);
    assert.equal(await check(noLevel), false);
    assert.equal(await check(noKey), false);
    assert.equal(await check(officer), false);
    assert.equal(await check(disabled), false);
    const streamed: string[] = [];
    for await (const v of ea.elections.eligibleVoters(id)) streamed.push(v.email);
    assert.deepEqual(streamed.sort(), ['g1@example.edu', 'g2@example.edu']);
    assert.equal(await ea.elections.eligibility.countEligible(tdb.db, id), 2);
  });
});

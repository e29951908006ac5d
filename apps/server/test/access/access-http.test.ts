/**
 * The access-control routes over HTTP on a real database: audit log reads with filters and paging,
 * voter-roll import (dry run, import, malformed file refused whole), account administration and
 * role changes and disabling accounts under the policy rules.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { registerIdentity } from '../../src/http/auth.routes.js';
import { registerRollRoutes } from '../../src/http/roll.routes.js';
import { buildTestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { type AccessApp, accessApp, bearer, type SignedIn, signedIn } from './access-kit.js';

let t: TestDatabase;
let a: AccessApp;
let admin: SignedIn;
let officer: SignedIn;
let auditor: SignedIn;
let voter: SignedIn;

before(async () => {
  t = await createTestDatabase();
  a = await accessApp(t.db);
  admin = await signedIn(a.auth, 'admin@uni.example', ['admin']);
  officer = await signedIn(a.auth, 'officer@uni.example', ['officer']);
  auditor = await signedIn(a.auth, 'auditor@uni.example', ['auditor']);
  voter = await signedIn(a.auth, 'voter@uni.example', ['voter']);
});
after(async () => {
  await a.app.close();
  await t.drop();
});

const csvPost = (url: string, token: string | undefined, body: string) =>
  a.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'text/csv', ...bearer(token) },
    payload: body,
  });

describe('voter roll import over HTTP', () => {
  const roll =
    'email,name,matric_number,group:faculty\nv1@uni.example,Vee One,M-1,Science\nv2@uni.example,Vee Two,M-2,Arts\n';

  test('anonymous callers get 401 and voters 403, before the body is read', async () => {
    const anonymous = await csvPost('/api/roll/import', undefined, roll);
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.headers['www-authenticate'], 'Bearer realm="electra"');
    const res = await csvPost('/api/roll/import', voter.token, roll);
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'FORBIDDEN');
  });

  test('dry run previews, import creates, re-import is unchanged', async () => {
    const dry = await csvPost('/api/roll/import?dryRun=true', officer.token, roll);
    assert.equal(dry.statusCode, 200);
    assert.deepEqual(dry.json(), {
      dryRun: true,
      imported: false,
      invited: 0,
      rows: 2,
      toCreate: 2,
      toUpdate: 0,
      unchanged: 0,
      errors: [],
      errorCount: 0,
    });
    const real = await csvPost('/api/roll/import?invite=true', officer.token, roll);
    assert.equal(real.statusCode, 200);
    assert.deepEqual([real.json().imported, real.json().toCreate, real.json().invited], [true, 2, 2]);
    const again = await csvPost('/api/roll/import', officer.token, roll);
    assert.deepEqual([again.json().toCreate, again.json().unchanged], [0, 2]);
    const v1 = await a.auth.users.findByEmail('v1@uni.example');
    assert.deepEqual(v1?.attributes, { faculty: 'Science' });
  });

  test('a malformed file: 422 with per-row errors and nothing imported', async () => {
    const bad = 'email,name\nok@uni.example,Fine\nnope,Bad\nv1@uni.example,\n';
    const res = await csvPost('/api/roll/import', officer.token, bad);
    assert.equal(res.statusCode, 422);
    const body = res.json();
    assert.equal(body.error.code, 'ROLL_INVALID');
    assert.equal(body.error.requestId, res.headers['x-request-id']);
    assert.deepEqual(
      body.preview.errors.map((e: { line: number; field: string }) => [e.line, e.field]),
      [
        [3, 'email'],
        [4, 'name'],
      ],
    );
    assert.equal(await a.auth.users.findByEmail('ok@uni.example'), null);
  });

  test('a roll over the byte limit is refused with 413, streamed or declared, and nothing is imported', async () => {
    const { app } = await buildTestApp({
      db: t.db,
      setup: (x) => {
        registerIdentity(x, a.auth);
        registerRollRoutes(x, { importer: a.access.importer, invitations: false, maxBytes: 200 });
      },
    });
    try {
      const big = `email,name\n${Array.from({ length: 20 }, (_, i) => `big${i}@uni.example,Big ${i}`).join('\n')}\n`;
      const headers = { 'content-type': 'text/csv', ...bearer(officer.token) };
      const declared = await app.inject({ method: 'POST', url: '/api/roll/import', headers, payload: big });
      assert.equal(declared.statusCode, 413);
      const streamed = await app.inject({
        method: 'POST',
        url: '/api/roll/import',
        headers,
        payload: Readable.from(big.match(/[\s\S]{1,64}/g)!.map((c) => Buffer.from(c))),
      });
      assert.equal(streamed.statusCode, 413);
      assert.equal(streamed.json().error.code, 'PAYLOAD_TOO_LARGE');
      assert.equal(await a.auth.users.findByEmail('big0@uni.example'), null);
    } finally {
      await app.close();
    }
  });

  test('JSON bodies are refused (415)', async () => {
    const res = await a.app.inject({
      method: 'POST',
      url: '/api/roll/import',
      headers: bearer(officer.token),
      payload: { rows: [] },
    });
    assert.equal(res.statusCode, 415);
  });
});

describe('account administration over HTTP', () => {
  const post = (token: string, payload: object) =>
    a.app.inject({ method: 'POST', url: '/api/users', headers: bearer(token), payload });

  test('officers create voters but not officers; admins grant roles, never to themselves', async () => {
    const created = await post(officer.token, { email: 'New.Voter@uni.example', fullName: 'New Voter' });
    assert.equal(created.statusCode, 201);
    const id = created.json().id;
    assert.deepEqual(created.json().roles, ['voter']);
    assert.equal(
      (await post(officer.token, { email: 'o2@uni.example', fullName: 'O', roles: ['officer'] })).statusCode,
      403,
    );
    assert.equal(
      (await post(officer.token, { email: 'new.voter@uni.example', fullName: 'Dup' })).statusCode,
      409,
    );

    const officerGrant = await a.app.inject({
      method: 'PUT',
      url: `/api/users/${id}/roles/officer`,
      headers: bearer(officer.token),
    });
    assert.equal(officerGrant.statusCode, 403);
    const grant = await a.app.inject({
      method: 'PUT',
      url: `/api/users/${id}/roles/auditor`,
      headers: bearer(admin.token),
    });
    assert.equal(grant.statusCode, 200);
    assert.deepEqual(grant.json().roles.sort(), ['auditor', 'voter']);
    const self = await a.app.inject({
      method: 'PUT',
      url: `/api/users/${admin.user.id}/roles/auditor`,
      headers: bearer(admin.token),
    });
    assert.equal(self.statusCode, 403);
    assert.equal(self.json().error.code, 'SELF_ROLE_CHANGE');

    const [entry] = await a.audit.list({ actionPrefix: 'user.role_granted', limit: 5 });
    assert.deepEqual(
      [entry?.actor, entry?.target, entry?.details],
      [admin.user.id, `user:${id}`, { role: 'auditor' }],
    );
  });

  test('officers edit voters, not emails nor privileged accounts', async () => {
    const patch = (token: string, id: string, payload: object) =>
      a.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: bearer(token), payload });
    const ok = await patch(officer.token, voter.user.id, {
      fullName: 'Voter Renamed',
      attributes: { level: '300' },
    });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual([ok.json().fullName, ok.json().attributes], ['Voter Renamed', { level: '300' }]);
    assert.equal((await patch(officer.token, voter.user.id, { email: 'mine@uni.example' })).statusCode, 403);
    assert.equal((await patch(officer.token, admin.user.id, { fullName: 'Pwned' })).statusCode, 403);
    assert.equal((await patch(admin.token, voter.user.id, { email: 'voter2@uni.example' })).statusCode, 200);
    assert.equal(
      (await patch(officer.token, '00000000-0000-4000-8000-000000000000', { fullName: 'X' })).statusCode,
      404,
    );
  });

  test('officers disable and enable voters, whose sessions end at once; never themselves nor privileged accounts', async () => {
    const clerk = await signedIn(a.auth, 'clerk@uni.example', ['officer']);
    const target = await signedIn(a.auth, 'leaver@uni.example', ['voter']);
    const call = (verb: 'disable' | 'enable', token: string, id: string) =>
      a.app.inject({ method: 'POST', url: `/api/users/${id}/${verb}`, headers: bearer(token) });
    const me = (token: string) =>
      a.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });
    assert.equal((await me(target.token)).statusCode, 200);

    const off = await call('disable', clerk.token, target.user.id);
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json().disabled, true);
    assert.equal((await me(target.token)).statusCode, 401, 'the session ended with the account');
    assert.equal((await call('disable', clerk.token, target.user.id)).json().disabled, true, 'idempotent');
    const [entry] = await a.audit.list({ actionPrefix: 'user.disabled', limit: 5 });
    assert.deepEqual(
      [entry?.actor, entry?.target, entry?.details],
      [clerk.user.id, `user:${target.user.id}`, { sessionsRevoked: 1 }],
    );
    const on = await call('enable', clerk.token, target.user.id);
    assert.equal(on.statusCode, 200);
    assert.equal(on.json().disabled, false);
    assert.equal(
      (await a.audit.list({ actionPrefix: 'user.enabled', limit: 5 }))[0]?.target,
      `user:${target.user.id}`,
    );

    const refusal = async (token: string, id: string) => {
      const r = await call('disable', token, id);
      return [r.statusCode, r.json().error?.code];
    };
    assert.deepEqual(await refusal(clerk.token, admin.user.id), [403, 'FORBIDDEN']);
    assert.deepEqual(await refusal(clerk.token, auditor.user.id), [403, 'FORBIDDEN']);
    assert.deepEqual(await refusal(clerk.token, clerk.user.id), [403, 'SELF_DISABLE']);
    assert.deepEqual(await refusal(admin.token, admin.user.id), [403, 'SELF_DISABLE']);
    assert.deepEqual(await refusal(voter.token, target.user.id), [403, 'FORBIDDEN']);
    assert.deepEqual(await refusal(clerk.token, '00000000-0000-4000-8000-000000000000'), [
      404,
      'USER_NOT_FOUND',
    ]);
    assert.deepEqual(await refusal(clerk.token, 'not-a-uuid'), [400, 'VALIDATION_FAILED']);
    // an admin disables a privileged account; it can no longer act
    const other = await signedIn(a.auth, 'other.officer@uni.example', ['officer']);
    assert.equal((await call('disable', admin.token, other.user.id)).statusCode, 200);
    assert.equal((await me(other.token)).statusCode, 401);
    assert.equal((await call('enable', admin.token, other.user.id)).statusCode, 200);
  });

  test('the last admin keeps the admin role; a revoked role ends the sessions at once', async () => {
    const revokeSelf = await a.app.inject({
      method: 'DELETE',
      url: `/api/users/${admin.user.id}/roles/admin`,
      headers: bearer(admin.token),
    });
    assert.equal(revokeSelf.statusCode, 409);
    assert.equal(revokeSelf.json().error.code, 'LAST_ADMIN');

    const before = await a.app.inject({ method: 'GET', url: '/api/users', headers: bearer(officer.token) });
    assert.equal(before.statusCode, 200);
    const revoke = await a.app.inject({
      method: 'DELETE',
      url: `/api/users/${officer.user.id}/roles/officer`,
      headers: bearer(admin.token),
    });
    assert.equal(revoke.statusCode, 200);
    assert.deepEqual(revoke.json().roles, []);
    const afterRevoke = await a.app.inject({
      method: 'GET',
      url: '/api/users',
      headers: bearer(officer.token),
    });
    assert.equal(afterRevoke.statusCode, 401, 'the old token no longer works');
  });

  test('search and get', async () => {
    const res = await a.app.inject({
      method: 'GET',
      url: '/api/users?search=auditor&limit=5',
      headers: bearer(admin.token),
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(
      res.json().users.map((u: { email: string }) => u.email),
      ['auditor@uni.example'],
    );
    const one = await a.app.inject({
      method: 'GET',
      url: `/api/users/${auditor.user.id}`,
      headers: bearer(admin.token),
    });
    assert.equal(one.json().email, 'auditor@uni.example');
  });
});

describe('audit log over HTTP', () => {
  test('auditors and admins read it; officers, voters and anonymous callers do not', async () => {
    assert.equal((await a.app.inject({ url: '/api/audit' })).statusCode, 401);
    assert.equal((await a.app.inject({ url: '/api/audit', headers: bearer(voter.token) })).statusCode, 403);
    const res = await a.app.inject({
      url: '/api/audit?action=roll.&limit=1',
      headers: bearer(auditor.token),
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.entries.length, 1);
    assert.equal(body.entries[0].action, 'roll.imported');
    assert.match(body.entries[0].hash, /^[0-9a-f]{64}$/);
    const next = await a.app.inject({
      url: `/api/audit?action=roll.&after=${body.next}`,
      headers: bearer(admin.token),
    });
    assert.equal(next.json().entries.length, 1, 'the second import (the re-import)');
    assert.equal(next.json().next, null);
    assert.match(body.head.hash, /^[0-9a-f]{64}$/);
    const both = await a.app.inject({ url: '/api/audit?after=1&before=5', headers: bearer(admin.token) });
    assert.equal(both.statusCode, 400);
  });

  test('an admin session without the second factor is refused with MFA_REQUIRED', async () => {
    const weak = await signedIn(a.auth, 'weak-admin@uni.example', ['admin'], { mfa: false });
    const res = await a.app.inject({ url: '/api/audit', headers: bearer(weak.token) });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'MFA_REQUIRED');
    assert.ok(a.log.lines.some((l) => String(l.msg).startsWith('forbidden: MFA_REQUIRED') && l.reqId));
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { policyContext } from '../../policies/policy-context.js';
import type { Actor } from '../../policies/types.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { createPgUsersRepository } from '../users/users.pg-repository.js';
import { createUserAdmin, type UserAdmin } from './user-admin.service.js';

let t: TestDatabase;
let admin: UserAdmin;
let users: ReturnType<typeof createPgUsersRepository>;
const actors: Actor[] = [];

before(async () => {
  t = await createTestDatabase({ poolMax: 6 });
  users = createPgUsersRepository(t.db);
  admin = createUserAdmin({
    db: t.db,
    users,
    audit: new AuditRepository(t.db),
    policy: policyContext({ mfaRequiredRoles: ['admin', 'officer'] }),
  });
  for (const email of ['a@uni.example', 'b@uni.example']) {
    const r = await users.create({ email, fullName: email, roles: ['admin'] });
    assert.ok(r.ok);
    actors.push({ userId: r.user.id, roles: ['admin'], sessionId: 's', mfa: true });
  }
});
after(() => t.drop());

describe('user administration on PostgreSQL', () => {
  test('two admins revoking each other at the same moment leave exactly one admin', async () => {
    const [a, b] = actors as [Actor, Actor];
    const results = await Promise.all([
      admin.revokeRole(a, b.userId, 'admin'),
      admin.revokeRole(b, a.userId, 'admin'),
    ]);
    const codes = results.map((r) => (r.ok ? 'ok' : r.code)).sort();
    assert.deepEqual(codes, ['LAST_ADMIN', 'ok']);
    const { rows } = await t.db.query<{ n: string }>(
      'test.admins',
      `SELECT count(*) AS n FROM users WHERE 'admin' = ANY (roles)`,
    );
    assert.equal(rows[0]!.n, '1');
  });

  test('unknown ids are USER_NOT_FOUND, and an unchanged grant is not audited twice', async () => {
    const [a, b] = actors as [Actor, Actor];
    const survivor = (await admin.get(a, a.userId)).ok ? a : b;
    const other = survivor === a ? b : a;
    const missing = await admin.grantRole(survivor, '00000000-0000-4000-8000-000000000000', 'auditor');
    assert.ok(!missing.ok && missing.code === 'USER_NOT_FOUND');
    const first = await admin.grantRole(survivor, other.userId, 'auditor');
    const second = await admin.grantRole(survivor, other.userId, 'auditor');
    assert.ok(first.ok && first.changed && second.ok && !second.changed);
    const grants = await new AuditRepository(t.db).list({ actionPrefix: 'user.role_granted', limit: 10 });
    assert.equal(grants.length, 1);
  });

  test('two admins disabling each other at the same moment leave exactly one active admin', async () => {
    const fresh: Actor[] = [];
    for (const email of ['c@uni.example', 'd@uni.example']) {
      const r = await users.create({ email, fullName: email, roles: ['admin'] });
      assert.ok(r.ok);
      fresh.push({ userId: r.user.id, roles: ['admin'], sessionId: 's', mfa: true });
    }
    const [c, d] = fresh as [Actor, Actor];
    // only c and d stay active admins
    for (const old of actors) {
      const r = await admin.setDisabled(c, old.userId, true);
      assert.ok(r.ok, r.ok ? '' : r.code);
    }
    const results = await Promise.all([
      admin.setDisabled(c, d.userId, true),
      admin.setDisabled(d, c.userId, true),
    ]);
    assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.code)).sort(), ['LAST_ADMIN', 'ok']);
    const { rows } = await t.db.query<{ n: string }>(
      'test.active_admins',
      `SELECT count(*) AS n FROM users WHERE 'admin' = ANY (roles) AND disabled_at IS NULL`,
    );
    assert.equal(rows[0]!.n, '1');
    // the same state again changes nothing and is not audited twice; enabling is audited
    const disabledOne = results[0]!.ok ? d : c;
    const survivor = disabledOne === d ? c : d;
    const again = await admin.setDisabled(survivor, disabledOne.userId, true);
    assert.ok(again.ok && !again.changed && again.user.disabled);
    const enabled = await admin.setDisabled(survivor, disabledOne.userId, false);
    assert.ok(enabled.ok && enabled.changed && !enabled.user.disabled);
    const audit = new AuditRepository(t.db);
    const disabledEntries = await audit.list({ actionPrefix: 'user.disabled', limit: 10 });
    assert.equal(
      disabledEntries.filter((e) => e.target === `user:${disabledOne.userId}`).length,
      1,
      'one entry for one change',
    );
    const [enabledEntry] = await audit.list({ actionPrefix: 'user.enabled', limit: 10 });
    assert.deepEqual(
      [enabledEntry?.actor, enabledEntry?.target],
      [survivor.userId, `user:${disabledOne.userId}`],
    );
    // nobody disables themselves
    const self = await admin.setDisabled(survivor, survivor.userId, true);
    assert.ok(!self.ok && self.code === 'SELF_DISABLE');
  });
});

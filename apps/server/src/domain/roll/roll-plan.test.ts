import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { policyContext } from '../../policies/policy-context.js';
import type { Actor } from '../../policies/types.js';
import type { RollRow } from './roll-csv.js';
import { type ExistingAccount, type IdentifierOwner, planRollImport } from './roll-plan.js';

const officer: Actor = { userId: 'officer-1', roles: ['officer'], sessionId: 's', mfa: true };
const admin: Actor = { userId: 'admin-1', roles: ['admin'], sessionId: 's', mfa: true };

const row = (line: number, email: string, extra: Partial<RollRow> = {}): RollRow => ({
  line,
  email,
  name: `Name ${line}`,
  identifiers: {},
  groups: null,
  ...extra,
});
const account = (id: string, email: string, extra: Partial<ExistingAccount> = {}): ExistingAccount => ({
  id,
  email,
  fullName: 'Same',
  roles: ['voter'],
  identifiers: [],
  attributes: {},
  ...extra,
});
const plan = (
  rows: RollRow[],
  accounts: ExistingAccount[] = [],
  owners: IdentifierOwner[] = [],
  actor: Actor = officer,
) =>
  planRollImport({
    rows,
    existing: new Map(accounts.map((a) => [a.email, a])),
    identifierOwners: new Map(owners.map((o) => [o.value.toLowerCase(), o])),
    actor,
    policy: policyContext({ mfaRequiredRoles: ['admin', 'officer'] }),
  });

describe('planRollImport', () => {
  test('new emails are created, identical rows unchanged, differing rows updated with what changes', () => {
    const p = plan(
      [
        row(2, 'new@x.org'),
        row(3, 'same@x.org', { name: 'Same', identifiers: { matric: 'M1' }, groups: { faculty: 'Arts' } }),
        row(4, 'moved@x.org', {
          name: 'Same',
          identifiers: { matric: 'M2' },
          groups: { faculty: 'Science' },
        }),
      ],
      [
        account('u1', 'same@x.org', {
          identifiers: [{ kind: 'matric', value: 'M1' }],
          attributes: { faculty: 'Arts' },
        }),
        account('u2', 'moved@x.org', {
          identifiers: [{ kind: 'matric', value: 'M2' }],
          attributes: { faculty: 'Arts' },
        }),
      ],
      [
        { userId: 'u1', kind: 'matric', value: 'M1' },
        { userId: 'u2', kind: 'matric', value: 'M2' },
      ],
    );
    assert.deepEqual(p.errors, []);
    assert.deepEqual([p.toCreate, p.toUpdate, p.unchanged], [1, 1, 1]);
    const update = p.changes.find((c) => c.kind === 'update');
    assert.ok(update?.kind === 'update' && update.userId === 'u2');
    assert.deepEqual(update.changes, ['attributes']);
  });

  test('a file without group columns leaves attributes alone', () => {
    const p = plan(
      [row(2, 'a@x.org', { name: 'Same' })],
      [account('u1', 'a@x.org', { attributes: { level: '100' } })],
    );
    assert.equal(p.unchanged, 1);
  });

  test("an identifier owned by another account is an error on that row's field", () => {
    const p = plan(
      [
        row(2, 'new@x.org', { identifiers: { staff_id: 'S-1' } }),
        row(3, 'b@x.org', { identifiers: { matric: 's-1' } }),
      ],
      [account('u2', 'b@x.org')],
      [{ userId: 'u9', kind: 'staff_id', value: 'S-1' }],
    );
    assert.deepEqual(
      p.errors.map((e) => [e.line, e.field]),
      [
        [2, 'staff_id'],
        [3, 'matric_number'],
      ],
    );
    assert.equal(p.changes.length, 0);
  });

  test('no one edits their own account, officers do not touch privileged accounts, admins may', () => {
    const rows = [row(2, 'me@x.org'), row(3, 'boss@x.org')];
    const accounts = [
      account('officer-1', 'me@x.org', { roles: ['officer'] }),
      account('a9', 'boss@x.org', { roles: ['admin'] }),
    ];
    const asOfficer = plan(rows, accounts);
    assert.deepEqual(
      asOfficer.errors.map((e) => e.line),
      [2, 3, 3],
    );
    assert.match(asOfficer.errors[0]!.reason, /your own account/);
    const asAdmin = plan(rows, accounts, [], admin);
    assert.deepEqual(asAdmin.errors, []);
    assert.equal(asAdmin.toUpdate, 2);
    const boss = asAdmin.changes.find((c) => c.kind === 'update' && c.userId === 'a9');
    assert.ok(boss?.kind === 'update' && boss.addVoterRole && boss.changes.includes('roles'));
  });

  test('one value cannot be two kinds of identifier on one account', () => {
    const p = plan(
      [row(2, 'a@x.org', { name: 'Same', identifiers: { matric: 'X1' } })],
      [account('u1', 'a@x.org', { identifiers: [{ kind: 'staff_id', value: 'x1' }] })],
      [{ userId: 'u1', kind: 'staff_id', value: 'x1' }],
    );
    assert.deepEqual(
      p.errors.map((e) => e.field),
      ['matric_number'],
    );
  });
});

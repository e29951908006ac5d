import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type BallotResource, can, canTransition, ELECTION_STATES } from './domain-policy.js';
import { policyContext } from './policy-context.js';
import type { Actor, Role } from './types.js';

/** The default configuration (ELECTRA_MFA_REQUIRED_ROLES unset): officers and admins need MFA. */
const ctx = policyContext({ mfaRequiredRoles: ['admin', 'officer'] });

const who = (roles: Role[], userId = 'me', mfa = true): Actor => ({ userId, roles, sessionId: 's', mfa });
const code = (p: ReturnType<typeof can>) => (p.allowed ? 'ok' : p.code);

describe('election lifecycle', () => {
  test('only the documented transitions are legal', () => {
    assert.equal(canTransition('draft', 'key_ceremony'), true);
    assert.equal(canTransition('open', 'closed'), true);
    assert.equal(canTransition('closed', 'open'), false);
    assert.equal(canTransition('published', 'cancelled'), false);
    assert.equal(canTransition('tallying', 'cancelled'), false);
    // No state reaches itself, and nothing leaves a terminal state.
    for (const s of ELECTION_STATES) assert.ok(!canTransition(s, s));
    for (const to of ELECTION_STATES) assert.equal(canTransition('published', to), false);
  });

  test('officers edit only drafts and move only along legal transitions', () => {
    const officer = who(['officer']);
    assert.equal(code(can(ctx, officer, 'election.edit', { kind: 'election', state: 'draft' })), 'ok');
    assert.equal(
      code(can(ctx, officer, 'election.edit', { kind: 'election', state: 'ready' })),
      'INVALID_ELECTION_STATE',
    );
    assert.equal(
      code(can(ctx, who(['voter']), 'election.edit', { kind: 'election', state: 'draft' })),
      'FORBIDDEN',
    );
    assert.equal(code(can(ctx, null, 'election.create', null)), 'UNAUTHORIZED');
    fc.assert(
      fc.property(fc.constantFrom(...ELECTION_STATES), fc.constantFrom(...ELECTION_STATES), (from, to) => {
        const p = can(ctx, who(['admin']), 'election.transition', { kind: 'election', state: from, to });
        return p.allowed === canTransition(from, to);
      }),
    );
  });

  test('staff see every election and its turnout; only officers manage the voter list', () => {
    const e = { kind: 'election', state: 'open' } as const;
    for (const roles of [['officer'], ['admin'], ['auditor']] as Role[][]) {
      assert.equal(code(can(ctx, who(roles), 'election.view_all', null)), 'ok');
      assert.equal(code(can(ctx, who(roles), 'election.view_turnout', e)), 'ok');
    }
    assert.equal(code(can(ctx, who(['voter']), 'election.view_all', null)), 'FORBIDDEN');
    assert.equal(code(can(ctx, who(['voter']), 'election.view_turnout', e)), 'FORBIDDEN');
    assert.equal(code(can(ctx, null, 'election.view_turnout', e)), 'UNAUTHORIZED');
    assert.equal(code(can(ctx, who(['officer']), 'election.manage_voters', e)), 'ok');
    assert.equal(code(can(ctx, who(['auditor']), 'election.manage_voters', e)), 'FORBIDDEN');
    assert.equal(code(can(ctx, who(['officer'], 'me', false), 'election.view_turnout', e)), 'FORBIDDEN');
  });

  test('officer powers need MFA', () => {
    assert.equal(code(can(ctx, who(['officer'], 'me', false), 'election.create', null)), 'FORBIDDEN');
    assert.equal(
      code(
        can(policyContext({ mfaRequiredRoles: [] }), who(['officer'], 'me', false), 'election.create', null),
      ),
      'ok',
    );
  });

  test('results: public once published, staff-only when tallied, none before', () => {
    assert.equal(
      code(can(ctx, null, 'election.view_results', { kind: 'election', state: 'published' })),
      'ok',
    );
    assert.equal(
      code(can(ctx, null, 'election.view_results', { kind: 'election', state: 'tallied' })),
      'UNAUTHORIZED',
    );
    assert.equal(
      code(can(ctx, who(['voter']), 'election.view_results', { kind: 'election', state: 'tallied' })),
      'FORBIDDEN',
    );
    assert.equal(
      code(can(ctx, who(['auditor']), 'election.view_results', { kind: 'election', state: 'tallied' })),
      'ok',
    );
    assert.equal(
      code(can(ctx, who(['officer']), 'election.view_results', { kind: 'election', state: 'open' })),
      'INVALID_ELECTION_STATE',
    );
  });
});

describe('ballot.cast', () => {
  const base: BallotResource = {
    kind: 'ballot',
    state: 'open',
    eligible: true,
    alreadyVoted: false,
    revotePolicy: 'forbidden',
  };
  const voter = who(['voter']);
  test('each precondition has its own code', () => {
    assert.equal(code(can(ctx, voter, 'ballot.cast', base)), 'ok');
    assert.equal(code(can(ctx, voter, 'ballot.cast', { ...base, state: 'closed' })), 'ELECTION_NOT_OPEN');
    assert.equal(code(can(ctx, voter, 'ballot.cast', { ...base, eligible: false })), 'NOT_ELIGIBLE');
    assert.equal(code(can(ctx, voter, 'ballot.cast', { ...base, alreadyVoted: true })), 'ALREADY_VOTED');
    assert.equal(
      code(can(ctx, voter, 'ballot.cast', { ...base, alreadyVoted: true, revotePolicy: 'last-counts' })),
      'ok',
    );
    assert.equal(code(can(ctx, who(['admin']), 'ballot.cast', base)), 'FORBIDDEN');
    assert.equal(code(can(ctx, null, 'ballot.cast', base)), 'UNAUTHORIZED');
  });
});

describe('user administration', () => {
  const voterAccount = { kind: 'user' as const, userId: 'v1', roles: ['voter'] as Role[] };
  const adminAccount = { kind: 'user' as const, userId: 'a2', roles: ['admin'] as Role[] };
  test('officers edit voters but not privileged accounts nor themselves; emails are admin-only', () => {
    const officer = who(['officer']);
    assert.equal(code(can(ctx, officer, 'user.edit_profile', voterAccount)), 'ok');
    assert.equal(code(can(ctx, officer, 'user.edit_profile', adminAccount)), 'FORBIDDEN');
    assert.equal(
      code(can(ctx, officer, 'user.edit_profile', { ...voterAccount, userId: 'me' })),
      'FORBIDDEN',
    );
    assert.equal(code(can(ctx, officer, 'user.change_email', voterAccount)), 'FORBIDDEN');
    assert.equal(code(can(ctx, who(['admin']), 'user.change_email', adminAccount)), 'ok');
    assert.equal(code(can(ctx, who(['voter'], 'v1'), 'user.view', voterAccount)), 'ok');
    assert.equal(code(can(ctx, who(['voter'], 'v9'), 'user.view', voterAccount)), 'FORBIDDEN');
  });

  test('only admins grant roles, never to themselves; the last admin stays', () => {
    const admin = who(['admin']);
    const grant = { kind: 'role_change' as const, userId: 'v1', role: 'officer' as Role, adminsAfter: 1 };
    assert.equal(code(can(ctx, admin, 'role.grant', grant)), 'ok');
    assert.equal(code(can(ctx, who(['officer']), 'role.grant', grant)), 'FORBIDDEN');
    assert.equal(
      code(can(ctx, admin, 'role.grant', { ...grant, userId: 'me', role: 'auditor' })),
      'SELF_ROLE_CHANGE',
    );
    assert.equal(code(can(ctx, admin, 'role.grant', grant)), 'ok');
    const revoke = { kind: 'role_change' as const, userId: 'me', role: 'admin' as Role, adminsAfter: 0 };
    assert.equal(code(can(ctx, admin, 'role.revoke', revoke)), 'LAST_ADMIN');
    assert.equal(code(can(ctx, admin, 'role.revoke', { ...revoke, adminsAfter: 1 })), 'ok');
    assert.equal(code(can(ctx, who(['admin'], 'me', false), 'role.grant', grant)), 'FORBIDDEN');
  });

  test('officers disable and enable voters, admins any account; never their own; the last active admin stays', () => {
    const voter = {
      kind: 'account_status' as const,
      userId: 'v1',
      roles: ['voter'] as Role[],
      disable: true,
      adminsAfter: 1,
    };
    const otherAdmin = { ...voter, userId: 'a2', roles: ['admin'] as Role[] };
    const officer = who(['officer']);
    const admin = who(['admin']);
    assert.equal(code(can(ctx, officer, 'user.set_disabled', voter)), 'ok');
    assert.equal(code(can(ctx, officer, 'user.set_disabled', { ...voter, disable: false })), 'ok');
    assert.equal(code(can(ctx, officer, 'user.set_disabled', otherAdmin)), 'FORBIDDEN');
    assert.equal(
      code(can(ctx, officer, 'user.set_disabled', { ...voter, roles: ['voter', 'auditor'] })),
      'FORBIDDEN',
    );
    assert.equal(code(can(ctx, officer, 'user.set_disabled', { ...voter, userId: 'me' })), 'SELF_DISABLE');
    assert.equal(code(can(ctx, admin, 'user.set_disabled', otherAdmin)), 'ok');
    assert.equal(code(can(ctx, admin, 'user.set_disabled', { ...otherAdmin, userId: 'me' })), 'SELF_DISABLE');
    assert.equal(code(can(ctx, admin, 'user.set_disabled', { ...otherAdmin, adminsAfter: 0 })), 'LAST_ADMIN');
    // enabling never leaves fewer admins
    assert.equal(
      code(can(ctx, admin, 'user.set_disabled', { ...otherAdmin, adminsAfter: 0, disable: false })),
      'ok',
    );
    assert.equal(code(can(ctx, who(['voter']), 'user.set_disabled', voter)), 'FORBIDDEN');
    assert.equal(code(can(ctx, null, 'user.set_disabled', voter)), 'UNAUTHORIZED');
  });
});

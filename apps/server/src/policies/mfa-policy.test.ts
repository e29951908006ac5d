/**
 * ELECTRA_MFA_REQUIRED_ROLES reaches every domain policy: for each action of `can` and each exported
 * check of the tally and ceremony policies, an actor whose only qualifying role is configured as
 * MFA-required is refused without a second factor and accepted with one; with nothing configured,
 * the same actor is accepted without it. Roles outside the built-in default (auditor, voter) and an
 * empty configuration show that the configured list is used, not a default.
 *
 * The tables are typed over every action and every exported function, so a new action or a new
 * tally/ceremony check does not compile until it has its row here.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ceremonyPolicy from './ceremony-policy.js';
import { type ActionResources, can, type DomainAction, type Permission } from './domain-policy.js';
import { type PolicyContext, policyContext } from './policy-context.js';
import * as tallyPolicy from './tally-policy.js';
import type { Actor, Role } from './types.js';

const actor = (role: Role, mfa: boolean): Actor => ({ userId: 'me', roles: [role], sessionId: 's', mfa });
const requiring = (...roles: Role[]) => policyContext({ mfaRequiredRoles: roles });
const outcome = (p: Permission) => (p.allowed ? 'ok' : p.code);

/** Asserts the MFA rule for `role` on one check, under three configurations. */
function assertMfaGated(label: string, role: Role, check: (ctx: PolicyContext, who: Actor) => Permission) {
  assert.equal(outcome(check(requiring(role), actor(role, true))), 'ok', `${label}: ${role} with MFA`);
  assert.equal(
    outcome(check(requiring(role), actor(role, false))),
    'FORBIDDEN',
    `${label}: ${role} without MFA when ${role} requires it`,
  );
  assert.equal(
    outcome(check(requiring(), actor(role, false))),
    'ok',
    `${label}: ${role} without MFA when no role requires it`,
  );
  // Other roles being MFA-required does not affect this one.
  const others = (['voter', 'officer', 'admin', 'auditor'] as const).filter((r) => r !== role);
  assert.equal(outcome(check(requiring(...others), actor(role, false))), 'ok', `${label}: others only`);
}

type Case<R> = { roles: readonly Role[]; resource: R };
const election = (state: ActionResources['election.edit']['state']) => ({ kind: 'election', state }) as const;
const someoneElse = { kind: 'user', userId: 'other', roles: ['voter'] } as const;

/** For each action, the roles that may do it on this resource (typed over every action). */
const CAN_CASES: { [A in DomainAction]: Case<ActionResources[A]> } = {
  'election.create': { roles: ['officer', 'admin'], resource: null },
  'election.edit': { roles: ['officer', 'admin'], resource: election('draft') },
  'election.transition': {
    roles: ['officer', 'admin'],
    resource: { kind: 'election', state: 'closed', to: 'tallying' },
  },
  'election.view_results': { roles: ['officer', 'admin', 'auditor'], resource: election('tallied') },
  'election.view_all': { roles: ['officer', 'admin', 'auditor'], resource: null },
  'election.view_turnout': { roles: ['officer', 'admin', 'auditor'], resource: election('open') },
  'election.manage_voters': { roles: ['officer', 'admin'], resource: election('draft') },
  'ballot.cast': {
    roles: ['voter'],
    resource: {
      kind: 'ballot',
      state: 'open',
      eligible: true,
      alreadyVoted: false,
      revotePolicy: 'forbidden',
    },
  },
  'roll.import': { roles: ['officer', 'admin'], resource: null },
  'user.view': { roles: ['officer', 'admin'], resource: someoneElse },
  'user.edit_profile': { roles: ['officer', 'admin'], resource: someoneElse },
  'user.change_email': { roles: ['admin'], resource: someoneElse },
  'role.grant': {
    roles: ['admin'],
    resource: { kind: 'role_change', userId: 'other', role: 'officer', adminsAfter: 1 },
  },
  'role.revoke': {
    roles: ['admin'],
    resource: { kind: 'role_change', userId: 'other', role: 'admin', adminsAfter: 1 },
  },
  'user.set_disabled': {
    roles: ['officer', 'admin'],
    resource: { kind: 'account_status', userId: 'other', roles: ['voter'], disable: true, adminsAfter: 1 },
  },
  'audit.read': { roles: ['auditor', 'admin'], resource: null },
};

describe('can: every action honours the configured MFA-required roles', () => {
  for (const action of Object.keys(CAN_CASES) as DomainAction[]) {
    test(action, () => {
      const c = CAN_CASES[action] as Case<ActionResources[typeof action]>;
      for (const role of c.roles) {
        assertMfaGated(action, role, (ctx, who) => can(ctx, who, action, c.resource as never));
      }
    });
  }
});

/** Exported functions of a policy module, each either role-gated (with a check) or role-free. */
type FunctionKeys<M> = { [K in keyof M]: M[K] extends (...args: never[]) => unknown ? K : never }[keyof M];
type PolicyCase =
  | { roles: readonly Role[]; check: (ctx: PolicyContext, who: Actor) => Permission }
  | { roleFree: string; check: (who: Actor) => Permission };

const TALLY_CASES: Record<FunctionKeys<typeof tallyPolicy>, PolicyCase> = {
  canStartTally: {
    roles: ['officer', 'admin'],
    check: (ctx, who) => tallyPolicy.canStartTally(ctx, who, 'closed'),
  },
  canFinalizeTally: {
    roles: ['officer', 'admin'],
    check: (ctx, who) => tallyPolicy.canFinalizeTally(ctx, who, 'tallying'),
  },
  canPublishResults: {
    roles: ['officer', 'admin'],
    check: (ctx, who) => tallyPolicy.canPublishResults(ctx, who, 'tallied'),
  },
  canViewResults: {
    roles: ['officer', 'admin', 'auditor'],
    check: (ctx, who) => tallyPolicy.canViewResults(ctx, who, 'tallied'),
  },
  canSubmitPartialDecryption: {
    roleFree: 'a trustee is whoever holds the index, whatever their roles',
    check: (who: Actor) =>
      tallyPolicy.canSubmitPartialDecryption(who, { state: 'tallying', trusteeIndex: 1, claimed: 1 }),
  },
  canViewEncryptedTally: {
    roleFree: 'public from tallying on',
    check: () => tallyPolicy.canViewEncryptedTally('tallying'),
  },
};

const CEREMONY_CASES: Record<FunctionKeys<typeof ceremonyPolicy>, PolicyCase> = {
  canConfigureTrustees: {
    roles: ['officer', 'admin'],
    check: (ctx, who) => ceremonyPolicy.canConfigureTrustees(ctx, who, 'draft'),
  },
  canStartCeremony: {
    roles: ['officer', 'admin'],
    check: (ctx, who) => ceremonyPolicy.canStartCeremony(ctx, who, 'draft'),
  },
  canAbortCeremony: {
    roles: ['officer', 'admin'],
    check: (ctx, who) => ceremonyPolicy.canAbortCeremony(ctx, who, 'key_ceremony'),
  },
  canUploadCredentials: {
    roles: ['officer', 'admin'],
    check: (ctx, who) => ceremonyPolicy.canUploadCredentials(ctx, who, 'draft'),
  },
  canIssueCredentials: {
    roles: ['officer', 'admin'],
    check: (ctx, who) => ceremonyPolicy.canIssueCredentials(ctx, who, 'ready'),
  },
  canViewCeremony: {
    // in draft only staff and the election's trustees see who the trustees are
    roles: ['officer', 'admin', 'auditor'],
    check: (ctx, who) => ceremonyPolicy.canViewCeremony(ctx, who, { state: 'draft', trusteeIndex: null }),
  },
  canPostCeremonyMessage: {
    roleFree: 'a trustee is whoever holds the index, whatever their roles',
    check: (who: Actor) =>
      ceremonyPolicy.canPostCeremonyMessage(who, { state: 'key_ceremony', trusteeIndex: 1 }),
  },
};

for (const [name, cases] of [
  ['tally policy', TALLY_CASES],
  ['ceremony policy', CEREMONY_CASES],
] as const) {
  describe(`${name}: every check honours the configured MFA-required roles`, () => {
    for (const [fn, c] of Object.entries(cases) as Array<[string, PolicyCase]>) {
      test(fn, () => {
        if ('roles' in c) {
          for (const role of c.roles) assertMfaGated(fn, role, c.check);
          return;
        }
        // A role-free check answers the same with or without a second factor.
        for (const role of ['voter', 'officer', 'admin', 'auditor'] as const) {
          assert.equal(outcome(c.check(actor(role, false))), 'ok', `${fn} (${c.roleFree}): ${role}, no MFA`);
          assert.equal(outcome(c.check(actor(role, true))), 'ok', `${fn} (${c.roleFree}): ${role}, MFA`);
        }
      });
    }
  });
}

describe('policy context', () => {
  test('is a frozen copy of the configured roles', () => {
    const roles: Role[] = ['auditor'];
    const ctx = policyContext({ mfaRequiredRoles: roles });
    roles.push('voter');
    assert.deepEqual(ctx.mfaRequiredRoles, ['auditor']);
    assert.ok(Object.isFrozen(ctx) && Object.isFrozen(ctx.mfaRequiredRoles));
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  canAbortCeremony,
  canConfigureTrustees,
  canIssueCredentials,
  canPostCeremonyMessage,
  canStartCeremony,
  canUploadCredentials,
  canViewCeremony,
} from './ceremony-policy.js';
import { ELECTION_STATES } from './domain-policy.js';
import { policyContext } from './policy-context.js';
import type { Actor, Role } from './types.js';

/** The default configuration (ELECTRA_MFA_REQUIRED_ROLES unset): officers and admins need MFA. */
const ctx = policyContext({ mfaRequiredRoles: ['admin', 'officer'] });

const actor = (...roles: Role[]): Actor => ({ userId: 'u', roles, sessionId: 's', mfa: true });
const officer = actor('officer');
const voter = actor('voter');
const allowed = (p: { allowed: boolean }) => p.allowed;

describe('ceremony and credential policies', () => {
  test('trustees are named in draft only, by officers', () => {
    assert.deepEqual(
      ELECTION_STATES.filter((s) => allowed(canConfigureTrustees(ctx, officer, s))),
      ['draft'],
    );
    assert.equal(allowed(canConfigureTrustees(ctx, voter, 'draft')), false);
    assert.equal(allowed(canConfigureTrustees(ctx, actor('officer', 'voter'), 'draft')), true);
  });

  test('the ceremony starts from draft and is aborted from key_ceremony, by officers', () => {
    assert.deepEqual(
      ELECTION_STATES.filter((s) => allowed(canStartCeremony(ctx, officer, s))),
      ['draft'],
    );
    assert.deepEqual(
      ELECTION_STATES.filter((s) => allowed(canAbortCeremony(ctx, officer, s))),
      ['key_ceremony'],
    );
    assert.equal(allowed(canStartCeremony(ctx, voter, 'draft')), false);
    // an officer session without its second factor acts as no officer
    assert.equal(allowed(canStartCeremony(ctx, { ...officer, mfa: false }, 'draft')), false);
  });

  test('only a trustee of the election posts, only while the ceremony runs, whatever their roles', () => {
    assert.deepEqual(canPostCeremonyMessage(null, { state: 'key_ceremony', trusteeIndex: 1 }).allowed, false);
    const notTrustee = canPostCeremonyMessage(officer, { state: 'key_ceremony', trusteeIndex: null });
    assert.equal(notTrustee.allowed ? undefined : notTrustee.code, 'FORBIDDEN');
    assert.deepEqual(
      ELECTION_STATES.filter((s) => allowed(canPostCeremonyMessage(voter, { state: s, trusteeIndex: 2 }))),
      ['key_ceremony'],
    );
  });

  test('credentials: uploads until opening, top-ups when ready, officers only', () => {
    assert.deepEqual(
      ELECTION_STATES.filter((s) => allowed(canUploadCredentials(ctx, officer, s))),
      ['draft', 'key_ceremony', 'ready'],
    );
    assert.deepEqual(
      ELECTION_STATES.filter((s) => allowed(canIssueCredentials(ctx, officer, s))),
      ['ready'],
    );
    assert.equal(allowed(canUploadCredentials(ctx, voter, 'draft')), false);
    assert.equal(allowed(canIssueCredentials(ctx, voter, 'ready')), false);
  });

  test('the ceremony state is public once started; in draft staff and trustees only', () => {
    assert.equal(allowed(canViewCeremony(ctx, voter, { state: 'draft', trusteeIndex: null })), false);
    assert.equal(allowed(canViewCeremony(ctx, voter, { state: 'draft', trusteeIndex: 3 })), true);
    assert.equal(
      allowed(canViewCeremony(ctx, actor('auditor'), { state: 'draft', trusteeIndex: null })),
      true,
    );
    assert.equal(allowed(canViewCeremony(ctx, voter, { state: 'key_ceremony', trusteeIndex: null })), true);
    assert.equal(allowed(canViewCeremony(ctx, null, { state: 'ready', trusteeIndex: null })), false);
  });
});

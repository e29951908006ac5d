import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ELECTION_STATES, type Permission } from './domain-policy.js';
import { policyContext } from './policy-context.js';
import {
  canFinalizeTally,
  canPublishResults,
  canStartTally,
  canSubmitPartialDecryption,
  canViewEncryptedTally,
  canViewResults,
  TALLY_PUBLIC_STATES,
} from './tally-policy.js';
import type { Actor, Role } from './types.js';

/** The default configuration (ELECTRA_MFA_REQUIRED_ROLES unset): officers and admins need MFA. */
const ctx = policyContext({ mfaRequiredRoles: ['admin', 'officer'] });

const who = (roles: Role[], mfa = true): Actor => ({ userId: 'me', roles, sessionId: 's', mfa });
const code = (p: Permission) => (p.allowed ? 'ok' : p.code);

describe('tally steps (officers, one state each)', () => {
  test('start from closed, finish while tallying, publish from tallied; never for voters or auditors', () => {
    const officer = who(['officer']);
    assert.equal(code(canStartTally(ctx, officer, 'closed')), 'ok');
    assert.equal(code(canStartTally(ctx, officer, 'open')), 'INVALID_ELECTION_STATE');
    assert.equal(code(canFinalizeTally(ctx, officer, 'tallying')), 'ok');
    assert.equal(code(canFinalizeTally(ctx, officer, 'tallied')), 'INVALID_ELECTION_STATE');
    assert.equal(code(canPublishResults(ctx, officer, 'tallied')), 'ok');
    assert.equal(code(canPublishResults(ctx, officer, 'tallying')), 'INVALID_ELECTION_STATE');
    for (const roles of [['voter'], ['auditor']] as Role[][]) {
      assert.equal(code(canStartTally(ctx, who(roles), 'closed')), 'FORBIDDEN');
      assert.equal(code(canPublishResults(ctx, who(roles), 'tallied')), 'FORBIDDEN');
    }
    assert.equal(code(canStartTally(ctx, null, 'closed')), 'UNAUTHORIZED');
    // officer powers need MFA
    assert.equal(code(canStartTally(ctx, who(['officer'], false), 'closed')), 'FORBIDDEN');
  });
});

describe('partial decryptions (trustees, as themselves, while tallying)', () => {
  test('each refusal has its code, whatever the roles', () => {
    const voter = who(['voter']);
    assert.equal(
      code(canSubmitPartialDecryption(voter, { state: 'tallying', trusteeIndex: 2, claimed: 2 })),
      'ok',
    );
    assert.equal(
      code(canSubmitPartialDecryption(who(['admin']), { state: 'tallying', trusteeIndex: null, claimed: 1 })),
      'FORBIDDEN',
    );
    assert.equal(
      code(canSubmitPartialDecryption(voter, { state: 'tallying', trusteeIndex: 2, claimed: 1 })),
      'FORBIDDEN',
    );
    assert.equal(
      code(canSubmitPartialDecryption(voter, { state: 'tallied', trusteeIndex: 2, claimed: 2 })),
      'INVALID_ELECTION_STATE',
    );
    assert.equal(
      code(canSubmitPartialDecryption(null, { state: 'tallying', trusteeIndex: 2, claimed: 2 })),
      'UNAUTHORIZED',
    );
  });

  test('only ever allowed to the trustee itself in tallying', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ELECTION_STATES),
        fc.option(fc.integer({ min: 1, max: 5 })),
        fc.integer({ min: 0, max: 5 }),
        (state, trusteeIndex, claimed) => {
          const p = canSubmitPartialDecryption(who(['voter']), { state, trusteeIndex, claimed });
          assert.equal(p.allowed, state === 'tallying' && trusteeIndex === claimed);
        },
      ),
    );
  });
});

describe('reading', () => {
  test('the encrypted tally is public from tallying on; results follow election.view_results', () => {
    for (const s of ELECTION_STATES)
      assert.equal(canViewEncryptedTally(s).allowed, TALLY_PUBLIC_STATES.includes(s));
    assert.equal(code(canViewResults(ctx, null, 'published')), 'ok');
    assert.equal(code(canViewResults(ctx, null, 'tallied')), 'UNAUTHORIZED');
    assert.equal(code(canViewResults(ctx, who(['voter']), 'tallied')), 'FORBIDDEN');
    assert.equal(code(canViewResults(ctx, who(['auditor']), 'tallied')), 'ok');
    assert.equal(code(canViewResults(ctx, who(['officer']), 'tallying')), 'INVALID_ELECTION_STATE');
  });
});

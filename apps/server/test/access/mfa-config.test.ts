/**
 * ELECTRA_MFA_REQUIRED_ROLES reaches the tally and ceremony checks over HTTP, in both directions:
 * configured for auditors (not in the default), an auditor session without a second factor is refused
 * the staff-only views of the ceremony and of tallied results; officers (in the default, not in this
 * configuration) act without one. Before the policy context, these checks used the built-in default.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CeremonyApp, ceremonyApp, createElection } from '../ceremony/ceremony-kit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { type TallyApp, tallyApp } from '../tally/tally-kit.js';
import { bearer, type SignedIn, signedIn } from './access-kit.js';

let t: TestDatabase;
let c: CeremonyApp;
let tally: TallyApp;
let officer: SignedIn;
let auditorNoMfa: SignedIn;
let auditor: SignedIn;
let trustee: SignedIn;

before(async () => {
  t = await createTestDatabase();
  c = await ceremonyApp(t.db, { mfaRequiredRoles: ['auditor'] });
  tally = await tallyApp(t.db, { mfaRequiredRoles: ['auditor'] });
  officer = await signedIn(c.auth, 'officer@mfa.example', ['officer'], { mfa: false });
  auditorNoMfa = await signedIn(c.auth, 'auditor-nomfa@mfa.example', ['auditor'], { mfa: false });
  auditor = await signedIn(c.auth, 'auditor@mfa.example', ['auditor']);
  trustee = await signedIn(c.auth, 'trustee@mfa.example', ['voter'], { mfa: false });
});
after(async () => {
  await c.app.close();
  await tally.app.close();
  await t.drop();
});

describe('ELECTRA_MFA_REQUIRED_ROLES=auditor', () => {
  test('ceremony: officers name trustees without MFA; a draft ceremony is hidden from an auditor without it', async () => {
    const id = await createElection(c, officer, 'MFA configuration');
    const named = await c.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/trustees`,
      headers: bearer(officer.token),
      payload: { threshold: 1, trustees: [trustee.user.id] },
    });
    assert.equal(named.statusCode, 200, named.body);

    const refused = await c.app.inject({
      method: 'GET',
      url: `/api/elections/${id}/ceremony`,
      headers: bearer(auditorNoMfa.token),
    });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(refused.json().error.code, 'FORBIDDEN');
    const seen = await c.app.inject({
      method: 'GET',
      url: `/api/elections/${id}/ceremony`,
      headers: bearer(auditor.token),
    });
    assert.equal(seen.statusCode, 200, seen.body);
    assert.equal(seen.json().threshold, 1);
  });

  test('tally: tallied results are refused to an auditor without MFA; officers start tallies without it', async () => {
    const id = await createElection(c, officer, 'MFA results');
    await t.db.query('test.tallied', `UPDATE elections SET state = 'tallied' WHERE id = $1`, [id]);
    const results = (token: string) =>
      tally.app.inject({ method: 'GET', url: `/api/elections/${id}/results`, headers: bearer(token) });

    const refused = await results(auditorNoMfa.token);
    assert.equal(refused.statusCode, 403, refused.body);
    assert.equal(refused.json().error.code, 'FORBIDDEN');
    // Past the policy: this election has no stored result, which is the next answer.
    const allowed = await results(auditor.token);
    assert.equal(allowed.statusCode, 409, allowed.body);
    assert.notEqual(allowed.json().error.code, 'FORBIDDEN');

    // The officer's role counts without MFA: the refusal is about the state, not the caller.
    const start = await tally.app.inject({
      method: 'POST',
      url: `/api/elections/${id}/tally`,
      headers: bearer(officer.token),
    });
    assert.equal(start.statusCode, 409, start.body);
    assert.equal(start.json().error.code, 'INVALID_ELECTION_STATE');
  });
});

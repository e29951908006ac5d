import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { totpCode } from '../../src/domain/auth/totp.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { call, createUser, type IdentityApp, identityApp, login, testClock } from './auth-test-kit.js';

describe('MFA: enrolment, enforcement for admin/officer, verification, recovery codes, admin reset', () => {
  let tdb: TestDatabase;
  let h: IdentityApp;
  const clock = testClock(Date.UTC(2026, 5, 1, 9, 0, 10));
  let secret = '';
  let recoveryCodes: string[] = [];

  before(async () => {
    tdb = await createTestDatabase();
    h = await identityApp(tdb.db, { clock });
    await createUser(h.auth, { email: 'admin@uni.example', roles: ['admin'] });
    await createUser(h.auth, { email: 'officer@uni.example', roles: ['officer'] });
    await createUser(h.auth, { email: 'voter@uni.example' });
  });
  after(async () => {
    await h.app.close();
    await tdb.drop();
  });

  test('an admin without MFA gets an enrolment-only token that can enrol and nothing else', async () => {
    const l = await login(h.app, 'admin@uni.example');
    assert.equal(l.status, 200);
    assert.equal(l.body.status, 'mfa_enrollment_required');
    assert.equal(l.body.accessToken, undefined);
    const token = l.body.enrollmentToken;
    assert.equal((await call(h.app, { method: 'GET', url: '/api/auth/me', token })).status, 401);

    const enroll = await call(h.app, { method: 'POST', url: '/api/auth/mfa/enroll', token });
    assert.equal(enroll.status, 200);
    assert.match(
      enroll.body.otpauthUri,
      /^otpauth:\/\/totp\/Electra:admin%40uni.example\?secret=[A-Z2-7]+&period=30&digits=6&algorithm=SHA1&issuer=Electra$/,
    );
    secret = enroll.body.secret;

    const bad = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/confirm',
      token,
      payload: { code: '000000' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'MFA_CODE_INVALID');

    const ok = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/confirm',
      token,
      payload: { code: totpCode(secret, clock.now()) },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.recoveryCodes.length, 10);
    recoveryCodes = ok.body.recoveryCodes;
    const me = await call(h.app, { method: 'GET', url: '/api/auth/me', token: ok.body.accessToken });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.session.mfa, true);
    assert.deepEqual(me.body.mfa, { enrolled: true, required: true, recoveryCodesRemaining: 10 });

    const again = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/enroll',
      token: ok.body.accessToken,
    });
    assert.equal(again.status, 409);
  });

  test('with MFA enrolled, login returns a challenge; a TOTP code completes it once (replay refused)', async () => {
    clock.advance(60_000);
    const l = await login(h.app, 'admin@uni.example');
    assert.equal(l.body.status, 'mfa_required');
    assert.equal(l.body.accessToken, undefined);
    const code = totpCode(secret, clock.now());
    const wrong = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/verify',
      payload: { mfaToken: l.body.mfaToken, code: code === '123456' ? '654321' : '123456' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'MFA_CHALLENGE_FAILED');
    const ok = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/verify',
      payload: { mfaToken: l.body.mfaToken, code },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.status, 'ok');
    assert.deepEqual(ok.body.user.roles, ['admin']);

    const l2 = await login(h.app, 'admin@uni.example');
    const replay = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/verify',
      payload: { mfaToken: l2.body.mfaToken, code },
    });
    assert.equal(replay.status, 401);
    assert.ok(h.log.lines.some((x) => x.reason === 'totp_replayed'));
    // The challenge token is not an access token.
    assert.equal(
      (await call(h.app, { method: 'GET', url: '/api/auth/me', token: l2.body.mfaToken })).status,
      401,
    );
  });

  test('recovery codes work once each', async () => {
    const l = await login(h.app, 'admin@uni.example');
    const code = recoveryCodes[0]!.toLowerCase();
    const ok = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/verify',
      payload: { mfaToken: l.body.mfaToken, recoveryCode: code },
    });
    assert.equal(ok.status, 200);
    const l2 = await login(h.app, 'admin@uni.example');
    const again = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/verify',
      payload: { mfaToken: l2.body.mfaToken, recoveryCode: code },
    });
    assert.equal(again.status, 401);
    const me = await call(h.app, { method: 'GET', url: '/api/auth/me', token: ok.body.accessToken });
    assert.equal(me.body.mfa.recoveryCodesRemaining, 9);
  });

  test('voters sign in without MFA; officers are held to enrolment too', async () => {
    const v = await login(h.app, 'voter@uni.example');
    assert.equal(v.body.status, 'ok');
    const o = await login(h.app, 'officer@uni.example');
    assert.equal(o.body.status, 'mfa_enrollment_required');
  });

  test('an admin resets another user’s MFA (audited); a voter may not', async () => {
    const officer = await h.auth.users.findByEmail('officer@uni.example');
    const o = await login(h.app, 'officer@uni.example');
    const enroll = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/enroll',
      token: o.body.enrollmentToken,
    });
    clock.advance(30_000);
    const conf = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/confirm',
      token: o.body.enrollmentToken,
      payload: { code: totpCode(enroll.body.secret, clock.now()) },
    });
    assert.equal(conf.status, 200);

    const voter = await login(h.app, 'voter@uni.example');
    const denied = await call(h.app, {
      method: 'POST',
      url: `/api/users/${officer!.id}/mfa/reset`,
      token: voter.body.accessToken,
    });
    assert.equal(denied.status, 403);

    clock.advance(30_000);
    const a = await login(h.app, 'admin@uni.example');
    const adm = await call(h.app, {
      method: 'POST',
      url: '/api/auth/mfa/verify',
      payload: { mfaToken: a.body.mfaToken, code: totpCode(secret, clock.now()) },
    });
    assert.equal(adm.status, 200);
    const reset = await call(h.app, {
      method: 'POST',
      url: `/api/users/${officer!.id}/mfa/reset`,
      token: adm.body.accessToken,
    });
    assert.equal(reset.status, 200);
    assert.deepEqual(reset.body, { reset: true, revokedSessions: 1 });
    // The officer's session ended, and the next sign-in asks for enrolment again.
    assert.equal(
      (await call(h.app, { method: 'GET', url: '/api/auth/me', token: conf.body.accessToken })).status,
      401,
    );
    assert.equal((await login(h.app, 'officer@uni.example')).body.status, 'mfa_enrollment_required');
    const { rows } = await tdb.db.query<{ actor: string; target: string }>(
      't',
      "SELECT actor, target FROM audit_log WHERE action = 'user.mfa_reset'",
    );
    assert.deepEqual(rows, [
      { actor: (await h.auth.users.findByEmail('admin@uni.example'))!.id, target: `user:${officer!.id}` },
    ]);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listOutbox } from '../../src/domain/mail/mailer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  call,
  createUser,
  type IdentityApp,
  identityApp,
  login,
  PASSWORD,
  testClock,
} from './auth-test-kit.js';

const NEW_PASSWORD = 'purple elephant wanders quietly';

describe('passwords: change, forgot (uniform 202), reset codes single use, expiry and attempt limit', () => {
  let tdb: TestDatabase;
  let h: IdentityApp;
  const clock = testClock();

  before(async () => {
    tdb = await createTestDatabase();
    h = await identityApp(tdb.db, { clock });
    await createUser(h.auth, { email: 'carol@uni.example' });
  });
  after(async () => {
    await h.app.close();
    await tdb.drop();
  });

  async function requestCode(email: string): Promise<string> {
    clock.advance(61_000); // past the one-code-per-minute guard
    const r = await call(h.app, { method: 'POST', url: '/api/auth/password/forgot', payload: { email } });
    assert.equal(r.status, 202);
    const [mail] = await listOutbox(tdb.db, { to: email, limit: 1 });
    const code = /Reset code: ([0-9A-Z-]+)/.exec(mail!.text)?.[1];
    assert.ok(code);
    assert.ok(mail!.text.includes(`code=${code}`), 'the mail carries a link with the code');
    return code;
  }

  const reset = (email: string, code: string, newPassword = NEW_PASSWORD) =>
    call(h.app, { method: 'POST', url: '/api/auth/password/reset', payload: { email, code, newPassword } });

  test('forgot answers 202 with the same body for unknown emails, and sends nothing for them', async () => {
    const known = await call(h.app, {
      method: 'POST',
      url: '/api/auth/password/forgot',
      payload: { email: 'carol@uni.example' },
    });
    const unknown = await call(h.app, {
      method: 'POST',
      url: '/api/auth/password/forgot',
      payload: { email: 'nobody@uni.example' },
    });
    assert.equal(known.status, 202);
    assert.equal(unknown.status, 202);
    assert.deepEqual(known.body, unknown.body);
    assert.equal((await listOutbox(tdb.db, { to: 'nobody@uni.example' })).length, 0);
    assert.equal((await listOutbox(tdb.db, { to: 'carol@uni.example' })).length, 1);
  });

  test('a reset code works once, ends every session, and the code never appears in the logs', async () => {
    const session = await login(h.app, 'carol@uni.example');
    const code = await requestCode('carol@uni.example');
    const weak = await reset('carol@uni.example', code, 'password1234');
    assert.equal(weak.status, 400);
    assert.equal(weak.body.error.code, 'PASSWORD_TOO_COMMON');
    const ok = await reset('carol@uni.example', code.toLowerCase());
    assert.equal(ok.status, 200);
    assert.equal((await reset('carol@uni.example', code, 'another fine passphrase')).status, 400);
    assert.equal(
      (await call(h.app, { method: 'GET', url: '/api/auth/me', token: session.body.accessToken })).status,
      401,
    );
    assert.equal((await login(h.app, 'carol@uni.example', PASSWORD)).status, 401);
    assert.equal((await login(h.app, 'carol@uni.example', NEW_PASSWORD)).status, 200);
    assert.doesNotMatch(h.log.text(), new RegExp(code));
  });

  test('a code expires after 15 minutes', async () => {
    const code = await requestCode('carol@uni.example');
    clock.advance(15 * 60_000 + 1000);
    const r = await reset('carol@uni.example', code);
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'RESET_CODE_INVALID');
  });

  test('5 wrong codes void the live code; a new request voids older codes', async () => {
    const code = await requestCode('carol@uni.example');
    for (let i = 0; i < 5; i++)
      assert.equal((await reset('carol@uni.example', 'AAAAA-BBBBB-CCCCC-DDDDD')).status, 400);
    assert.equal((await reset('carol@uni.example', code)).status, 400);
    const first = await requestCode('carol@uni.example');
    const second = await requestCode('carol@uni.example');
    assert.equal((await reset('carol@uni.example', first)).status, 400);
    assert.equal((await reset('carol@uni.example', second, 'yet another long passphrase')).status, 200);
  });

  test('password change checks the current password and the policy, and returns a fresh session', async () => {
    const l = await login(h.app, 'carol@uni.example', 'yet another long passphrase');
    const token = l.body.accessToken;
    const change = (currentPassword: string, newPassword: string) =>
      call(h.app, {
        method: 'POST',
        url: '/api/auth/password/change',
        token,
        payload: { currentPassword, newPassword },
      });
    assert.equal((await change('wrong current password', 'a brand new passphrase')).status, 401);
    const short = await change('yet another long passphrase', 'short');
    assert.equal(short.status, 400);
    assert.equal(short.body.error.code, 'PASSWORD_TOO_SHORT');
    const email = await change('yet another long passphrase', 'carol-at-home carol@uni');
    assert.equal(email.body.error.code, 'PASSWORD_CONTAINS_EMAIL');
    const ok = await change('yet another long passphrase', 'a brand new passphrase');
    assert.equal(ok.status, 200);
    assert.equal((await call(h.app, { method: 'GET', url: '/api/auth/me', token })).status, 401);
    assert.equal(
      (await call(h.app, { method: 'GET', url: '/api/auth/me', token: ok.body.accessToken })).status,
      200,
    );
    const anonymous = await call(h.app, {
      method: 'POST',
      url: '/api/auth/password/change',
      payload: { currentPassword: 'x', newPassword: 'y' },
    });
    assert.equal(anonymous.status, 401);
  });
});

import assert from 'node:assert/strict';
import { createHmac, createPublicKey, type JsonWebKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { base64url } from 'jose';
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

describe('sessions over HTTP: login, refresh rotation, reuse detection, logout, token rejection', () => {
  let tdb: TestDatabase;
  let h: IdentityApp;
  const clock = testClock();

  before(async () => {
    tdb = await createTestDatabase();
    h = await identityApp(tdb.db, { clock });
    await createUser(h.auth, {
      email: 'Ada.Voter@Uni.example',
      identifiers: [{ kind: 'matric', value: 'CSC/2021/001' }],
    });
  });
  after(async () => {
    await h.app.close();
    await tdb.drop();
  });

  test('login by email (any case) or by identifier returns an access and a refresh token', async () => {
    const byEmail = await login(h.app, 'ada.voter@uni.EXAMPLE');
    assert.equal(byEmail.status, 200);
    assert.equal(byEmail.body.status, 'ok');
    assert.equal(byEmail.body.tokenType, 'Bearer');
    assert.equal(byEmail.body.expiresIn, 900);
    assert.equal(byEmail.body.user.email, 'Ada.Voter@Uni.example');
    assert.equal(byEmail.headers['cache-control'], 'no-store');
    const byId = await login(h.app, 'csc/2021/001');
    assert.equal(byId.status, 200);
    const me = await call(h.app, { method: 'GET', url: '/api/auth/me', token: byId.body.accessToken });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.user.roles, ['voter']);
    assert.deepEqual(me.body.mfa, { enrolled: false, required: false, recoveryCodesRemaining: 0 });
  });

  test('unknown account and wrong password get the identical 401, logged and audited as failed', async () => {
    const unknown = await login(h.app, 'nobody@uni.example');
    const wrong = await login(h.app, 'ada.voter@uni.example', 'not the right password');
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    const strip = (b: Record<string, unknown>) => ({
      ...b,
      error: { ...(b.error as object), requestId: 'x' },
    });
    assert.deepEqual(strip(unknown.body), strip(wrong.body));
    assert.equal(wrong.body.error.code, 'INVALID_CREDENTIALS');
    const lines = h.log.lines.filter((l) => String(l.msg).includes('failed: unauthorized'));
    assert.ok(lines.length >= 2);
    for (const l of lines) assert.equal(typeof l.reqId, 'string');
    assert.doesNotMatch(h.log.text(), /not the right password|correct horse/);
    const { rows } = await tdb.db.query<{ n: string }>(
      't',
      "SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login_failed'",
    );
    assert.ok(Number(rows[0]!.n) >= 2);
  });

  test('unknown accounts cost about as much time as wrong passwords (dummy argon2 verification)', async () => {
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const timed = async (name: string) => {
      const t0 = performance.now();
      const r = await login(h.app, name, 'some wrong password');
      assert.equal(r.status, 401);
      return performance.now() - t0;
    };
    for (let i = 0; i < 4; i++) await createUser(h.auth, { email: `timing${i}@uni.example` });
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await timed(`timing${i}@uni.example`));
      unknown.push(await timed(`nobody${i}@uni.example`));
    }
    const ratio = median(unknown) / median(known);
    assert.ok(ratio > 0.4 && ratio < 2.5, `unknown/known time ratio ${ratio.toFixed(2)}`);
  });

  test('refresh rotates; a spent token presented again revokes the whole family', async () => {
    const l = await login(h.app, 'ada.voter@uni.example');
    const r1 = await call(h.app, {
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: l.body.refreshToken },
    });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refreshToken, l.body.refreshToken);
    const me1 = await call(h.app, { method: 'GET', url: '/api/auth/me', token: r1.body.accessToken });
    assert.equal(me1.status, 200);

    const reuse = await call(h.app, {
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: l.body.refreshToken },
    });
    assert.equal(reuse.status, 401);
    assert.ok(h.log.lines.some((x) => String(x.msg).includes('suspicious refresh token reuse')));
    // The family is gone: the newer refresh token and the access tokens of the session stop working.
    const r2 = await call(h.app, {
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: r1.body.refreshToken },
    });
    assert.equal(r2.status, 401);
    const me2 = await call(h.app, { method: 'GET', url: '/api/auth/me', token: r1.body.accessToken });
    assert.equal(me2.status, 401);
  });

  test('logout revokes the session', async () => {
    const l = await login(h.app, 'ada.voter@uni.example');
    const out = await call(h.app, {
      method: 'POST',
      url: '/api/auth/logout',
      payload: { refreshToken: l.body.refreshToken },
    });
    assert.equal(out.status, 204);
    assert.equal(
      (await call(h.app, { method: 'GET', url: '/api/auth/me', token: l.body.accessToken })).status,
      401,
    );
    const r = await call(h.app, {
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: l.body.refreshToken },
    });
    assert.equal(r.status, 401);
  });

  test('expired, tampered, alg:none, HS256-with-public-key and wrong-kid tokens are refused with distinct reasons', async () => {
    const l = await login(h.app, 'ada.voter@uni.example');
    const token: string = l.body.accessToken;
    const [hd, pl, sig] = token.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(hd, 'base64url').toString());
    const payload = JSON.parse(Buffer.from(pl, 'base64url').toString());
    const enc = (o: object) => base64url.encode(JSON.stringify(o));
    const jwks = await call(h.app, { method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(jwks.status, 200);
    const pem = createPublicKey({ key: jwks.body.keys[0] as JsonWebKey, format: 'jwk' }).export({
      format: 'pem',
      type: 'spki',
    });
    const hsInput = `${enc({ alg: 'HS256', kid: header.kid })}.${enc({ ...payload, roles: ['admin'] })}`;
    const cases: [string, string][] = [
      [`${hd}.${enc({ ...payload, roles: ['admin'] })}.${sig}`, 'BAD_SIGNATURE'],
      [
        `${enc({ alg: 'none', kid: header.kid })}.${enc({ ...payload, roles: ['admin'] })}.`,
        'ALG_NOT_ALLOWED',
      ],
      [`${hsInput}.${createHmac('sha256', pem).update(hsInput).digest('base64url')}`, 'ALG_NOT_ALLOWED'],
      [`${enc({ ...header, kid: 'unknown-key-0001' })}.${pl}.${sig}`, 'UNKNOWN_KID'],
    ];
    for (const [bad, reason] of cases) {
      const r = await call(h.app, { method: 'GET', url: '/api/auth/me', token: bad });
      assert.equal(r.status, 401, reason);
      assert.equal(r.body.error.code, 'UNAUTHORIZED');
      assert.ok(
        h.log.lines.some((x) => x.reason === reason && String(x.msg).includes('unauthorized')),
        reason,
      );
    }
    assert.equal((await call(h.app, { method: 'GET', url: '/api/auth/me', token })).status, 200);
    clock.advance(16 * 60_000);
    assert.equal((await call(h.app, { method: 'GET', url: '/api/auth/me', token })).status, 401);
    assert.ok(h.log.lines.some((x) => x.reason === 'EXPIRED'));
    // The refresh token still works after the access token expired.
    const r = await call(h.app, {
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: l.body.refreshToken },
    });
    assert.equal(r.status, 200);
  });

  test('housekeeping removes sessions, refresh tokens and counters that can no longer matter', async () => {
    const count = async (table: string) =>
      Number((await tdb.db.query<{ n: string }>('t', `SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
    assert.ok((await count('auth_sessions')) > 0);
    assert.ok((await count('login_failures')) > 0);
    const fresh = await h.auth.sweeper.sweep();
    assert.deepEqual(fresh, { refreshTokens: 0, sessions: 0, loginFailures: 0, resetCodes: 0 });
    clock.advance(40 * 24 * 3600 * 1000);
    const swept = await h.auth.sweeper.sweep();
    assert.ok(swept.sessions > 0 && swept.loginFailures > 0, JSON.stringify(swept));
    assert.equal(await count('auth_sessions'), 0);
    assert.equal(await count('refresh_tokens'), 0);
    assert.equal(await count('login_failures'), 0);
  });

  test('validation errors are 400 and the password never reaches the logs', async () => {
    const r = await call(h.app, { method: 'POST', url: '/api/auth/login', payload: { login: 'x' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'VALIDATION_FAILED');
    assert.doesNotMatch(h.log.text(), new RegExp(PASSWORD));
  });
});

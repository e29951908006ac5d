import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliRuntime } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { call, createUser, type IdentityApp, identityApp, kidOf, login, TEST_KEK } from './auth-test-kit.js';

describe('electra keys:rotate and sessions:revoke-all against running apps', () => {
  let tdb: TestDatabase;
  let a: IdentityApp;
  let b: IdentityApp;
  let dataDir: string;

  async function electra(args: string[]) {
    const saved = { ...cliRuntime };
    let stdout = '';
    cliRuntime.out = (t) => {
      stdout += t;
    };
    cliRuntime.err = () => undefined;
    cliRuntime.env = {
      PATH: process.env.PATH,
      LOG_LEVEL: 'silent',
      DATABASE_URL: tdb.url,
      ELECTRA_DATA_DIR: dataDir,
      ELECTRA_KEY_ENCRYPTION_KEY: TEST_KEK.toString('base64'),
    };
    try {
      return { code: await runCli(args), stdout };
    } finally {
      Object.assign(cliRuntime, saved);
    }
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'electra-keys-'));
    tdb = await createTestDatabase();
    // Two replicas on one database, like a scaled deployment; real time, as the CLI process uses it.
    const realClock = { now: () => Date.now(), advance: () => undefined };
    a = await identityApp(tdb.db, { clock: realClock });
    b = await identityApp(tdb.db, { clock: realClock });
    await createUser(a.auth, { email: 'dora@uni.example' });
  });
  after(async () => {
    await a.app.close();
    await b.app.close();
    await tdb.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const me = (app: IdentityApp, token: string) =>
    call(app.app, { method: 'GET', url: '/api/auth/me', token });
  const refresh = (app: IdentityApp, refreshToken: string) =>
    call(app.app, { method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });

  test('keys:rotate: new tokens use the new key on every replica; existing sessions stay valid', async () => {
    const before = await login(a.app, 'dora@uni.example');
    const oldKid = kidOf(before.body.accessToken);
    const r = await electra(['keys:rotate', '--json']);
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout);
    assert.notEqual(out.kid, oldKid);
    assert.deepEqual(out.verifyingKids, [out.kid, oldKid]);

    // Both replicas still accept the old token, and both sign new ones with the new key.
    assert.equal((await me(a, before.body.accessToken)).status, 200);
    assert.equal((await me(b, before.body.accessToken)).status, 200);
    const viaB = await login(b.app, 'dora@uni.example');
    assert.equal(kidOf(viaB.body.accessToken), out.kid);
    const refreshed = await refresh(a, before.body.refreshToken);
    assert.equal(refreshed.status, 200);
    assert.equal(kidOf(refreshed.body.accessToken), out.kid);
    assert.equal((await me(b, refreshed.body.accessToken)).status, 200);
    const jwks = await call(b.app, { method: 'GET', url: '/.well-known/jwks.json' });
    assert.deepEqual(
      jwks.body.keys.map((k: { kid: string }) => k.kid),
      [out.kid, oldKid],
    );
    const audit = await tdb.db.query<{ actor: string }>(
      't',
      "SELECT actor FROM audit_log WHERE action = 'keys.rotated'",
    );
    assert.deepEqual(audit.rows, [{ actor: 'cli' }]);
  });

  test('keys:rotate --revoke-all invalidates every token and session at once', async () => {
    const s = await login(a.app, 'dora@uni.example');
    const r = await electra(['keys:rotate', '--revoke-all']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /revoked all sessions/);
    assert.equal((await me(a, s.body.accessToken)).status, 401);
    assert.equal((await me(b, s.body.accessToken)).status, 401);
    assert.equal((await refresh(b, s.body.refreshToken)).status, 401);
    const jwks = await call(a.app, { method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(jwks.body.keys.length, 1);
    // Signing in again works, with the new key.
    const again = await login(b.app, 'dora@uni.example');
    assert.equal(again.status, 200);
    assert.equal(kidOf(again.body.accessToken), jwks.body.keys[0].kid);
  });

  test('sessions:revoke-all ends every session but keeps the keys', async () => {
    const s = await login(a.app, 'dora@uni.example');
    const kid = kidOf(s.body.accessToken);
    const r = await electra(['sessions:revoke-all', '--json']);
    assert.equal(r.code, 0);
    assert.ok(JSON.parse(r.stdout).revokedSessions >= 1);
    assert.equal((await me(b, s.body.accessToken)).status, 401);
    assert.equal((await refresh(a, s.body.refreshToken)).status, 401);
    const again = await login(a.app, 'dora@uni.example');
    assert.equal(kidOf(again.body.accessToken), kid);
    assert.equal((await me(b, again.body.accessToken)).status, 200);
  });

  test('mail:outbox lists what the outbox holds', async () => {
    await call(a.app, {
      method: 'POST',
      url: '/api/auth/password/forgot',
      payload: { email: 'dora@uni.example' },
    });
    const r = await electra(['mail:outbox', '--to', 'DORA@uni.example']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /To: dora@uni\.example\nSubject: Electra: reset your password/);
    assert.match(r.stdout, /Reset code: [0-9A-Z-]{23}/);
  });
});

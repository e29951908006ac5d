/**
 * The route × role matrix (issue 4): start the server exactly as `electra serve` composes it
 * (startServer: every module main.ts registers), list EVERY registered route with its declared policy,
 * and for each caller — anonymous, voter, auditor, officer, admin, and officer/admin sessions without
 * the second factor — send a request and check that the answer is 401/403 exactly when the policy
 * forbids it. Allowed callers may still get 400/404/409… (empty bodies, random ids); they must never
 * get 401/403. A route without a policy makes startServer fail, so this test fails with it.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import type { AuthModule } from '../../src/domain/auth/auth-module.js';
import { createAuthFromConfig } from '../../src/domain/auth/auth-setup.js';
import { type ServerHandle, startServer } from '../../src/main.js';
import { decideRoutePolicy, type RoutePolicyEntry } from '../../src/policies/route-policy.js';
import { type Actor, POLICY_NAMES, type Role } from '../../src/policies/types.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { buildTestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { tokenFor } from './access-kit.js';

/**
 * Public routes that authenticate by other means and so may answer 401 to a caller without that
 * credential (never 403). Each needs a reason.
 */
const SELF_AUTHENTICATED: Record<string, string> = {
  'POST /api/auth/mfa/enroll': 'an MFA-enrolment token (which satisfies no policy) or a session',
  'POST /api/auth/mfa/confirm': 'an MFA-enrolment token (which satisfies no policy) or a session',
};

interface Caller {
  name: string;
  roles: Role[] | null;
  mfa: boolean;
}
const CALLERS: Caller[] = [
  { name: 'anonymous', roles: null, mfa: false },
  { name: 'voter', roles: ['voter'], mfa: false },
  { name: 'auditor', roles: ['auditor'], mfa: false },
  { name: 'officer', roles: ['officer'], mfa: true },
  { name: 'admin', roles: ['admin'], mfa: true },
  { name: 'officer without MFA', roles: ['officer'], mfa: false },
  { name: 'admin without MFA', roles: ['admin'], mfa: false },
];

let tdb: TestDatabase;
let server: ServerHandle;
let auth: AuthModule;
let closeAuth: () => Promise<void>;
const tokens = new Map<string, { actor: Actor; token: string; userId: string }>();

before(async () => {
  tdb = await createTestDatabase();
  server = await startServer({
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: tdb.url,
      HOST: '127.0.0.1',
      PORT: '0',
      DB_POOL_MAX: '4',
      ELECTRA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ELECTRA_AUTH_RATE_LIMIT_PER_MIN: '100000',
      RATE_LIMIT_NOT_FOUND_PER_MIN: '100000',
    },
    logger: captureLogger().logger,
    handleSignals: false,
  });
  // A second identity module on the same database and key: its tokens are the server's tokens.
  const setup = createAuthFromConfig({
    config: server.config,
    db: server.db,
    audit: new AuditRepository(server.db),
    logger: { warn: () => undefined, info: () => undefined },
    connectRedis: false,
  });
  auth = setup.auth;
  closeAuth = setup.close;
  for (const c of CALLERS) {
    if (!c.roles) continue;
    const r = await auth.users.create({
      email: `${c.name.replaceAll(' ', '-')}@matrix.example`,
      fullName: c.name,
      roles: c.roles,
    });
    assert.ok(r.ok);
    tokens.set(c.name, {
      actor: { userId: r.user.id, roles: c.roles, sessionId: 'matrix', mfa: c.mfa },
      token: await tokenFor(auth, r.user, c.mfa),
      userId: r.user.id,
    });
  }
});
after(async () => {
  await closeAuth?.();
  await server?.close();
  await tdb?.drop();
});

function concreteUrl(url: string): string {
  return url
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part === '*' ? 'x' : part;
      const name = part.slice(1);
      if (name === 'role') return 'auditor';
      if (/id$/i.test(name)) return randomUUID();
      return 'x';
    })
    .join('/');
}

async function send(route: RoutePolicyEntry, token: string | undefined) {
  return server.app.inject({
    method: route.method as 'GET',
    url: concreteUrl(route.url),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

describe('route × role matrix', () => {
  test('the application does not build when a route has no policy', async () => {
    await assert.rejects(
      buildTestApp({
        setup: (app) => {
          app.get('/api/forgotten', { schema: { response: { 200: { type: 'object' } } } }, async () => ({}));
        },
      }),
      /GET \/api\/forgotten declares no config.policy/,
    );
  });

  test('every route declares a known policy, and the access modules are all registered', () => {
    const routes = server.app.routePolicies.list();
    assert.ok(routes.length > 0);
    for (const r of routes)
      assert.ok((POLICY_NAMES as readonly string[]).includes(r.policy), `${r.method} ${r.url}`);
    const keys = new Set(routes.map((r) => `${r.method} ${r.url} ${r.policy}`));
    for (const expected of [
      'GET /api/health/ public',
      'GET /metrics public',
      'POST /api/auth/login public',
      'GET /api/auth/me authenticated',
      'GET /api/audit auditor',
      'POST /api/roll/import officer',
      'GET /api/users officer',
      'PUT /api/users/:id/roles/:role admin',
      'POST /api/users/:id/disable officer',
      'POST /api/users/:id/enable officer',
    ]) {
      assert.ok(keys.has(expected), `missing ${expected}`);
    }
  });

  test('each caller gets 401/403 exactly where the policy forbids it', async (t) => {
    const policy = auth.policy;
    const problems: string[] = [];
    const routes = server.app.routePolicies.list();
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      for (const caller of CALLERS) {
        const who = tokens.get(caller.name);
        const decision = decideRoutePolicy(policy, route.policy, who?.actor ?? null);
        let res = await send(route, who?.token);
        if (decision.allowed && res.statusCode === 401 && who) {
          // A route (e.g. sessions revoke-all) may have ended the session: retry with a fresh one.
          const fresh = await tokenFor(
            auth,
            { id: who.userId, roles: who.actor.roles as Role[] },
            who.actor.mfa,
          );
          tokens.set(caller.name, { ...who, token: fresh });
          res = await send(route, fresh);
        }
        const status = res.statusCode;
        if (!decision.allowed) {
          if (status !== decision.status)
            problems.push(`${key} [${route.policy}] ${caller.name}: ${status}, expected ${decision.status}`);
        } else if (
          status === 403 ||
          (status === 401 && !(caller.roles === null && SELF_AUTHENTICATED[key]))
        ) {
          problems.push(`${key} [${route.policy}] ${caller.name}: ${status} although the policy allows it`);
        } else if (status >= 500) {
          problems.push(`${key} [${route.policy}] ${caller.name}: ${status} (server error)`);
        }
      }
    }
    assert.ok(routes.length * CALLERS.length >= 100, `only ${routes.length} routes checked`);
    t.diagnostic(`route matrix: ${routes.length} routes x ${CALLERS.length} callers`);
    assert.deepEqual(problems, []);
  });
});

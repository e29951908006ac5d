import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { effectiveRoles, policyContext } from './policy-context.js';
import { decideRoutePolicy, installRoutePolicy } from './route-policy.js';
import type { Actor, PolicyName, Role } from './types.js';

const actor = (roles: Role[], mfa = true): Actor => ({ userId: 'u1', roles, sessionId: 's1', mfa });
/** The default configuration (ELECTRA_MFA_REQUIRED_ROLES unset): officers and admins need MFA. */
const ctx = policyContext({ mfaRequiredRoles: ['admin', 'officer'] });

describe('decideRoutePolicy', () => {
  const table: Array<[PolicyName, Actor | null, number | 'ok']> = [
    ['public', null, 'ok'],
    ['authenticated', null, 401],
    ['authenticated', actor([]), 'ok'],
    ['authenticated', actor(['admin'], false), 'ok'],
    ['voter', null, 401],
    ['voter', actor(['voter']), 'ok'],
    ['voter', actor(['admin']), 403],
    ['officer', actor(['voter']), 403],
    ['officer', actor(['officer']), 'ok'],
    ['officer', actor(['admin']), 'ok'],
    ['officer', actor(['auditor']), 403],
    ['admin', actor(['officer']), 403],
    ['admin', actor(['admin']), 'ok'],
    ['auditor', actor(['auditor'], false), 'ok'],
    ['auditor', actor(['admin']), 'ok'],
    ['auditor', actor(['officer']), 403],
    ['auditor', actor(['voter']), 403],
    ['staff', actor(['auditor'], false), 'ok'],
    ['staff', actor(['officer']), 'ok'],
    ['staff', actor(['officer'], false), 403],
    ['staff', actor(['voter']), 403],
    ['staff', null, 401],
  ];
  for (const [policy, who, expected] of table) {
    test(`${policy} for ${who ? who.roles.join('+') || 'no roles' : 'anonymous'} → ${expected}`, () => {
      const d = decideRoutePolicy(ctx, policy, who);
      assert.equal(d.allowed ? 'ok' : d.status, expected);
    });
  }

  test('officer and admin roles need MFA in the default configuration; the code says so', () => {
    const d = decideRoutePolicy(ctx, 'officer', actor(['officer'], false));
    assert.ok(!d.allowed && d.code === 'MFA_REQUIRED' && d.status === 403);
    const a = decideRoutePolicy(ctx, 'auditor', actor(['admin'], false));
    assert.ok(!a.allowed && a.code === 'MFA_REQUIRED');
    assert.equal(
      decideRoutePolicy(policyContext({ mfaRequiredRoles: [] }), 'officer', actor(['officer'], false))
        .allowed,
      true,
    );
    assert.deepEqual(
      effectiveRoles(actor(['voter', 'admin'], false), policyContext({ mfaRequiredRoles: ['admin'] })),
      ['voter'],
    );
  });
});

async function appWith(routes: (app: FastifyInstance) => void, actorHeader = true) {
  const app = Fastify({ logger: false });
  const catalogue = installRoutePolicy(app, { policy: ctx, implicitPublicPrefixes: ['/docs'] });
  if (actorHeader) {
    // Stand-in for the authentication hook: the test sends the actor's roles in a header.
    app.addHook('onRequest', async (req) => {
      const h = req.headers['x-test-roles'];
      if (typeof h === 'string') {
        (req as unknown as { actor: Actor }).actor = actor(h ? (h.split(',') as Role[]) : []);
      }
    });
  }
  routes(app);
  await app.ready();
  return { app, catalogue };
}

describe('installRoutePolicy', () => {
  test('a route without a policy fails the build', async () => {
    await assert.rejects(
      appWith((app) => {
        app.get('/x', async () => 'x');
      }),
      /GET \/x declares no config.policy/,
    );
  });

  test('an unknown policy name fails the build, also inside plugins', async () => {
    await assert.rejects(
      appWith((app) => {
        app.register(async (child) => {
          child.get('/y', { config: { policy: 'superuser' as PolicyName } }, async () => 'y');
        });
      }),
      /unknown policy 'superuser'/,
    );
  });

  test('the HEAD twin of a GET route carries and enforces the same policy', async () => {
    const { app, catalogue } = await appWith((a) => {
      a.get('/secret', { config: { policy: 'admin' } }, async () => ({ s: 1 }));
    });
    assert.equal((await app.inject({ method: 'HEAD', url: '/secret' })).statusCode, 401);
    assert.equal(
      (await app.inject({ method: 'HEAD', url: '/secret', headers: { 'x-test-roles': 'voter' } })).statusCode,
      403,
    );
    assert.ok(
      catalogue.list().some((e) => e.method === 'HEAD' && e.url === '/secret' && e.policy === 'admin'),
    );
    await app.close();
  });

  test('enforces before validation and lists every route', async () => {
    const { app, catalogue } = await appWith((app) => {
      app.get('/pub', { config: { policy: 'public' } }, async () => ({ ok: 1 }));
      app.register(
        async (child) => {
          child.post(
            '/thing',
            {
              config: { policy: 'officer' },
              schema: { body: { type: 'object', required: ['a'], properties: { a: { type: 'string' } } } },
            },
            async () => ({ ok: 2 }),
          );
        },
        { prefix: '/api' },
      );
      app.get('/docs/json', async () => ({}));
    });
    assert.equal((await app.inject({ url: '/pub' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/docs/json' })).statusCode, 200);
    const anon = await app.inject({ method: 'POST', url: '/api/thing', payload: {} });
    assert.equal(anon.statusCode, 401);
    assert.equal(anon.json().code, 'UNAUTHORIZED');
    const voter = await app.inject({
      method: 'POST',
      url: '/api/thing',
      payload: {},
      headers: { 'x-test-roles': 'voter' },
    });
    assert.equal(voter.statusCode, 403);
    const officer = await app.inject({
      method: 'POST',
      url: '/api/thing',
      payload: {},
      headers: { 'x-test-roles': 'officer' },
    });
    assert.equal(officer.statusCode, 400, 'allowed callers reach validation');
    const ok = await app.inject({
      method: 'POST',
      url: '/api/thing',
      payload: { a: 'x' },
      headers: { 'x-test-roles': 'admin' },
    });
    assert.equal(ok.statusCode, 200);
    const listed = catalogue.list().map((e) => `${e.method} ${e.url} ${e.policy}`);
    assert.ok(listed.includes('GET /pub public'));
    assert.ok(listed.includes('POST /api/thing officer'));
    assert.ok(listed.includes('GET /docs/json public'));
    assert.deepEqual(app.routePolicies.list(), catalogue.list());
    await app.close();
  });
});

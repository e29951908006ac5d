/**
 * Shared setup for the identity integration tests: the real app (buildApp) with the identity module
 * registered, on a fresh test database, with an injectable clock and small rate limits. Several apps
 * can share one database to play replicas.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import {
  type AuthModule,
  type AuthRateLimits,
  authRateLimits,
  createAuthModule,
} from '../../src/domain/auth/auth-module.js';
import type { LockoutPolicy } from '../../src/domain/auth/login-throttle.js';
import { createOutboxMailer } from '../../src/domain/mail/mailer.js';
import { registerIdentity } from '../../src/http/auth.routes.js';
import type { Role } from '../../src/policies/types.js';
import type { Database } from '../../src/store/database.js';
import type { CapturedLogger } from '../helpers/capture-logger.js';
import { buildTestApp } from '../helpers/test-app.js';

export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(start = Date.now()): TestClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface IdentityApp {
  app: FastifyInstance;
  auth: AuthModule;
  log: CapturedLogger;
}

export const TEST_KEK = randomBytes(32);

export async function identityApp(
  db: Database,
  o: {
    clock?: TestClock;
    rateLimits?: AuthRateLimits;
    redis?: Redis | null;
    env?: Record<string, string>;
    lockoutPolicy?: LockoutPolicy;
    mfaRequiredRoles?: Role[];
    cacheTtlMs?: number;
  } = {},
): Promise<IdentityApp> {
  const clock = o.clock ?? testClock();
  const auth = createAuthModule({
    db,
    audit: new AuditRepository(db),
    mailer: createOutboxMailer(db),
    keyEncryptionKey: TEST_KEK,
    mfaRequiredRoles: o.mfaRequiredRoles ?? ['admin', 'officer'],
    publicUrl: 'http://localhost:8080',
    redis: o.redis ?? null,
    clock: clock.now,
    cacheTtlMs: o.cacheTtlMs ?? 0,
    rateLimits: o.rateLimits ?? authRateLimits(1000),
    lockoutPolicy: o.lockoutPolicy,
  });
  const { app, log } = await buildTestApp({
    db,
    env: o.env,
    clock: clock.now,
    setup: (a) => registerIdentity(a, auth),
  });
  return { app, auth, log };
}

export const PASSWORD = 'correct horse battery staple';

export async function createUser(
  auth: AuthModule,
  u: {
    email: string;
    roles?: Role[];
    identifiers?: { kind: string; value: string }[];
    password?: string | null;
  },
) {
  const r = await auth.users.create({
    email: u.email,
    fullName: u.email.split('@')[0]!,
    roles: u.roles ?? ['voter'],
    identifiers: u.identifiers ?? [],
    passwordHash: u.password === null ? null : await auth.hasher.hash(u.password ?? PASSWORD),
  });
  if (!r.ok) throw new Error(r.code);
  return r.user;
}

export async function call(app: FastifyInstance, opts: InjectOptions & { token?: string }) {
  const { token, ...rest } = opts;
  const res = await app.inject({
    ...rest,
    headers: { ...(rest.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes, asserted field by field
  let body: Record<string, any> = {};
  try {
    body = res.json();
  } catch {
    // empty (204)
  }
  return { status: res.statusCode, body, headers: res.headers };
}

export function login(
  app: FastifyInstance,
  loginName: string,
  password = PASSWORD,
  extra: Partial<InjectOptions> = {},
) {
  return call(app, {
    method: 'POST',
    url: '/api/auth/login',
    payload: { login: loginName, password },
    ...extra,
  });
}

export function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;
}

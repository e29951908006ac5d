/**
 * Shared setup for the access-control HTTP tests: the real app with the identity and access modules
 * on a fresh test database, and signed-in actors for every role (real sessions and EdDSA access
 * tokens from the identity module, minted directly instead of going through password + TOTP).
 */
import type { FastifyInstance } from 'fastify';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import { type AuthModule, authRateLimits, createAuthModule } from '../../src/domain/auth/auth-module.js';
import { createOutboxMailer } from '../../src/domain/mail/mailer.js';
import { type AccessModule, createAccessModule } from '../../src/domain/user-admin/access-module.js';
import type { User } from '../../src/domain/users/user.js';
import { registerAccess } from '../../src/http/access.routes.js';
import { registerIdentity } from '../../src/http/auth.routes.js';
import type { Role } from '../../src/policies/types.js';
import type { Database } from '../../src/store/database.js';
import { TEST_KEK } from '../auth/auth-test-kit.js';
import type { CapturedLogger } from '../helpers/capture-logger.js';
import { buildTestApp } from '../helpers/test-app.js';

export interface AccessApp {
  app: FastifyInstance;
  auth: AuthModule;
  access: AccessModule;
  audit: AuditRepository;
  log: CapturedLogger;
}

export async function accessApp(db: Database): Promise<AccessApp> {
  const audit = new AuditRepository(db);
  const auth = createAuthModule({
    db,
    audit,
    mailer: createOutboxMailer(db),
    keyEncryptionKey: TEST_KEK,
    mfaRequiredRoles: ['admin', 'officer'],
    publicUrl: 'http://localhost:8080',
    cacheTtlMs: 0,
    rateLimits: authRateLimits(10_000),
  });
  const access = createAccessModule({ db, audit, auth, publicUrl: 'http://localhost:8080' });
  const { app, log } = await buildTestApp({
    db,
    setup: (a) => {
      registerIdentity(a, auth);
      registerAccess(a, access);
    },
  });
  return { app, auth, access, audit, log };
}

export interface SignedIn {
  user: User;
  token: string;
}

/** A new account with these roles and a live session (MFA completed unless `mfa: false`). */
export async function signedIn(
  auth: AuthModule,
  email: string,
  roles: Role[],
  o: { mfa?: boolean; attributes?: Record<string, string> } = {},
): Promise<SignedIn> {
  const r = await auth.users.create({
    email,
    fullName: email.split('@')[0]!,
    roles,
    attributes: o.attributes,
  });
  if (!r.ok) throw new Error(r.code);
  return { user: r.user, token: await tokenFor(auth, r.user, o.mfa ?? true) };
}

export async function tokenFor(
  auth: AuthModule,
  user: Pick<User, 'id' | 'roles'>,
  mfa = true,
): Promise<string> {
  const session = await auth.sessions.start(user.id, mfa);
  const access = await auth.tokens.issue('access', {
    userId: user.id,
    roles: user.roles,
    sessionId: session.sessionId,
    mfa,
  });
  return access.token;
}

export const bearer = (token?: string) => (token ? { authorization: `Bearer ${token}` } : {});

/**
 * One policy context per app: buildApp takes the identity module's (built from
 * ELECTRA_MFA_REQUIRED_ROLES) and refuses to build when the identity module disagrees with the
 * configuration or another module was built with a different context.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import { authRateLimits, createAuthModule } from '../../src/domain/auth/auth-module.js';
import { createOutboxMailer } from '../../src/domain/mail/mailer.js';
import { createAccessModule } from '../../src/domain/user-admin/access-module.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { Role } from '../../src/policies/types.js';
import { TEST_KEK } from '../auth/auth-test-kit.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { FakeDatabase } from '../helpers/fake-database.js';

const db = new FakeDatabase();
const identity = (mfaRequiredRoles: Role[]) =>
  createAuthModule({
    db,
    audit: new AuditRepository(db),
    mailer: createOutboxMailer(db),
    keyEncryptionKey: TEST_KEK,
    mfaRequiredRoles,
    publicUrl: 'http://localhost:8080',
    rateLimits: authRateLimits(1000),
  });
const access = (auth: ReturnType<typeof identity>) =>
  createAccessModule({ db, audit: new AuditRepository(db), auth });

async function build(
  env: Record<string, string>,
  deps: Pick<Parameters<typeof buildApp>[0], 'auth' | 'access'>,
) {
  const metrics = createMetrics({ version: '0', poolStats: () => db.poolStats(), defaultMetrics: false });
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  return buildApp({ config, db, logger: captureLogger().logger, metrics, version: '0', ...deps });
}

describe('the app has one policy context', () => {
  test('the identity module, its access module and the configuration agree: the app builds', async () => {
    const auth = identity(['auditor']);
    const app = await build({ ELECTRA_MFA_REQUIRED_ROLES: 'auditor' }, { auth, access: access(auth) });
    await app.close();
  });

  test('an identity module built with other MFA-required roles than the configuration is refused', async () => {
    await assert.rejects(build({}, { auth: identity(['auditor']) }), /other MFA-required roles/);
  });

  test('a module built with another policy context is refused', async () => {
    await assert.rejects(
      build({}, { auth: identity(['admin', 'officer']), access: access(identity(['admin', 'officer'])) }),
      /access module was built with another policy context/,
    );
  });
});

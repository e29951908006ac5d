import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../config/load-config.js';
import { resolveKeyEncryptionKey } from './key-encryption-key.js';

describe('key-encryption key and identity configuration', () => {
  test('development: generated once in the data dir with mode 0600, with a warning, then reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'electra-kek-'));
    try {
      const warnings: string[] = [];
      const src = {
        configured: undefined,
        dataDir: dir,
        production: false,
        warn: (m: string) => warnings.push(m),
      };
      const k1 = resolveKeyEncryptionKey(src);
      assert.equal(k1.length, 32);
      assert.equal(statSync(join(dir, 'key-encryption.key')).mode & 0o777, 0o600);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /ELECTRA_KEY_ENCRYPTION_KEY is not set/);
      assert.deepEqual(resolveKeyEncryptionKey(src), k1);
      assert.equal(warnings.length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('production refuses to start without the variable; a configured key is used as is', () => {
    const base = { dataDir: '/nonexistent', production: true, warn: () => undefined };
    assert.throws(
      () => resolveKeyEncryptionKey({ ...base, configured: undefined }),
      /required in production/,
    );
    const key = randomBytes(32);
    assert.deepEqual(resolveKeyEncryptionKey({ ...base, configured: key.toString('base64') }), key);
    assert.throws(() => resolveKeyEncryptionKey({ ...base, configured: 'c2hvcnQ=' }), /exactly 32 bytes/);
  });

  test('the configuration declares and validates the identity variables', () => {
    const c = loadConfig({});
    assert.deepEqual(c.mfaRequiredRoles, ['admin', 'officer']);
    assert.equal(c.authRateLimitPerMin, 30);
    assert.deepEqual(loadConfig({ ELECTRA_MFA_REQUIRED_ROLES: 'none' }).mfaRequiredRoles, []);
    assert.deepEqual(loadConfig({ ELECTRA_MFA_REQUIRED_ROLES: 'admin, auditor' }).mfaRequiredRoles, [
      'admin',
      'auditor',
    ]);
    assert.throws(
      () => loadConfig({ ELECTRA_MFA_REQUIRED_ROLES: 'admin,root' }),
      /ELECTRA_MFA_REQUIRED_ROLES/,
    );
    assert.throws(
      () => loadConfig({ ELECTRA_KEY_ENCRYPTION_KEY: 'too-short' }),
      /ELECTRA_KEY_ENCRYPTION_KEY/,
    );
    assert.throws(() => loadConfig({ REDIS_URL: 'http://x' }), /REDIS_URL/);
    assert.equal(
      loadConfig({ ELECTRA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') }).keyEncryptionKey?.length,
      44,
    );
  });
});

/**
 * Linters over the deploy files that have no test of their own: yamllint on every YAML under
 * deploy/ (manifests, rules, rule tests) with deploy/.yamllint.yml; shellcheck on the scripts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireCommand, run } from './support/tools.js';

test('yamllint: every YAML file under deploy/ is clean', () => {
  requireCommand('yamllint');
  const res = run('yamllint', ['--strict', '-c', 'deploy/.yamllint.yml', 'deploy/']);
  assert.equal(res.status, 0, res.stdout + res.stderr);
});

test('shellcheck: every script under scripts/ is clean', () => {
  requireCommand('shellcheck');
  const scripts = [
    'scripts/build_images.sh',
    'scripts/db_backup.sh',
    'scripts/db_restore.sh',
    'scripts/demo-election.sh',
    'scripts/lib/electra-cli.sh',
  ];
  const res = run('shellcheck', ['-x', ...scripts]);
  assert.equal(res.status, 0, res.stdout + res.stderr);
});

/**
 * Linters over the deploy files that have no test of their own: yamllint on every YAML under
 * deploy/ (manifests, rules, rule tests) with deploy/.yamllint.yml.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireCommand, run } from './support/tools.js';

test('yamllint: every YAML file under deploy/ is clean', () => {
  requireCommand('yamllint');
  const res = run('yamllint', ['--strict', '-c', 'deploy/.yamllint.yml', 'deploy/']);
  assert.equal(res.status, 0, res.stdout + res.stderr);
});

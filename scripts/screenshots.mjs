#!/usr/bin/env node
// Refreshes docs/screenshots/*.png: runs the browser test suite (apps/web/test/*.test.ts) against a
// real started Electra server with ELECTRA_SCREENSHOTS set, so each main screen is captured exactly as
// the tests see it (sign in, my elections, ballot steps, review, sealed, receipt, board, challenge,
// offline queue, verifier, results, trustee decryption; the officer console from admin.test.ts:
// editor, roll preview, roles dialog, ceremony, confirmation dialog, turnout, published, audit log
// as 20-25-admin-*.png). Needs Debian's chromium (or CHROMIUM_PATH). Usage: node scripts/screenshots.mjs
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs/screenshots');
const r = spawnSync(process.execPath, [join(root, 'scripts/run-tests.mjs'), join(root, 'apps/web/test')], {
  cwd: join(root, 'apps/web'),
  stdio: 'inherit',
  env: { ...process.env, ELECTRA_SCREENSHOTS: out },
});
if (r.status === 0) console.log(`screenshots written to ${out}`);
process.exit(r.status ?? 1);

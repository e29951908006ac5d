#!/usr/bin/env node
// Runs every bench/*.bench.ts (or the ones named) one after another, each in its own process, so the
// printed figures (ratios against baselines measured in the same run) do not disturb each other.
// Usage: npm run bench [-- name…]   e.g. npm run bench -- ballot tally
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();
let failed = 0;
// The whole-election benchmark runs the production build (server process, CLI, worker threads):
// build it first and resolve @electra/core to its build too.
const BUILT = new Set(['election.bench.ts']);
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  if (BUILT.has(f)) {
    const build = spawnSync('npm', ['run', '--silent', 'build:server'], { stdio: 'inherit' });
    if (build.status !== 0) {
      failed++;
      continue;
    }
  }
  const conditions = BUILT.has(f) ? [] : ['--conditions=electra-source'];
  const r = spawnSync(process.execPath, [...conditions, '--import', 'tsx', join(benchDir, f)], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);

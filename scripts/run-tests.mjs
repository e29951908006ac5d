#!/usr/bin/env node
// Runs node's test runner over every *.test.ts below the given folders (Node 20's --test has no globs).
// Usage: node scripts/run-tests.mjs [--concurrency N] DIR... [-- extra node --test args]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const extra = dash >= 0 ? args.slice(dash + 1) : [];
const own = dash >= 0 ? args.slice(0, dash) : args;
let concurrency = '1';
const dirs = [];
for (let i = 0; i < own.length; i++) {
  if (own[i] === '--concurrency') concurrency = own[++i];
  else dirs.push(own[i]);
}

function walk(dir, out) {
  if (dir.endsWith('.test.ts')) return out.concat(dir); // a single test file
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = dirs.flatMap((d) => walk(d, [])).sort();
if (files.length === 0) {
  console.error(`run-tests: no *.test.ts files under ${dirs.join(', ')}`);
  process.exit(1);
}
const reporter = process.env.TEST_REPORTER ?? 'spec';
const res = spawnSync(
  process.execPath,
  [
    '--conditions=electra-source',
    '--import',
    'tsx',
    '--test',
    `--test-reporter=${reporter}`,
    `--test-concurrency=${concurrency}`,
    ...extra,
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(res.status ?? 1);

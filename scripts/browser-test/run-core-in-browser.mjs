#!/usr/bin/env node
// Runs @electra/core's test files, unchanged, in headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core): the same crypto code and the same assertions as under Node (issue 3, "Tests").
// Test files that import Node-only modules (fs, child_process, worker_threads…) are listed and left
// to the Node run. Exit 0 when every test passes.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { CHROMIUM_PATH as CHROMIUM, launchChromium } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const coreDir = join(root, 'packages/core');
const BROWSER_OK = new Set(['node:test', 'node:assert', 'node:assert/strict']);

function walk(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

if (!existsSync(CHROMIUM)) {
  console.error(
    `browser tests: no Chromium at ${CHROMIUM}. Install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}

const files = [...walk(join(coreDir, 'src')), ...walk(join(coreDir, 'test'))].sort();
const runnable = [];
const nodeOnly = [];
for (const f of files) {
  const src = readFileSync(f, 'utf8');
  const nodeImports = [...src.matchAll(/from\s+['"](node:[^'"]+)['"]/g)]
    .map((m) => m[1])
    .filter((m) => !BROWSER_OK.has(m));
  if (nodeImports.length > 0) nodeOnly.push(`${relative(root, f)} (${[...new Set(nodeImports)].join(', ')})`);
  else runnable.push(f);
}

const entry = `${runnable.map((f, i) => `import * as t${i} from ${JSON.stringify(f)};`).join('\n')}
import { runAll } from ${JSON.stringify(join(here, 'node-test-shim.js'))};
void [${runnable.map((_, i) => `t${i}`).join(', ')}];
runAll().then((r) => { globalThis.__results = r; }, (e) => { globalThis.__results = [{ name: 'runner', status: 'fail', error: String(e) }]; });
`;

const shims = {
  name: 'node-shims',
  setup(b) {
    b.onResolve({ filter: /^node:test$/ }, () => ({ path: join(here, 'node-test-shim.js') }));
    b.onResolve({ filter: /^node:assert(\/strict)?$/ }, () => ({ path: join(here, 'node-assert-shim.js') }));
  },
};

const bundle = await build({
  stdin: { contents: entry, resolveDir: coreDir, loader: 'ts' },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['electra-source'],
  // the core declares sideEffects:false; test modules register tests as a side effect
  ignoreAnnotations: true,
  plugins: [shims],
  write: false,
  logLevel: 'error',
});
const js = bundle.outputFiles[0].text;

const server = createServer((req, res) => {
  if (req.url === '/bundle.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(js);
  } else {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      '<!doctype html><meta charset="utf-8"><title>core tests</title><script type="module" src="/bundle.js"></script>',
    );
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await launchChromium();
let results;
try {
  const page = await (await browser.newContext()).newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => globalThis.__results !== undefined, null, {
    timeout: 15 * 60_000,
    polling: 250,
  });
  results = await page.evaluate(() => globalThis.__results);
  for (const e of pageErrors) results.push({ name: 'page error', status: 'fail', error: e });
  const ua = await page.evaluate(() => navigator.userAgent);
  console.log(`# core tests in ${ua.match(/(Headless)?Chrome\/[\d.]+/)?.[0] ?? ua}`);
} finally {
  await browser.close();
  server.close();
}

for (const r of results) {
  const mark = r.status === 'pass' ? '✔' : r.status === 'skip' ? '-' : '✖';
  console.log(`${mark} ${r.name}${r.ms !== undefined ? ` (${r.ms.toFixed(1)}ms)` : ''}`);
  if (r.status === 'fail') console.log(`  ${r.error.replaceAll('\n', '\n  ')}`);
}
if (nodeOnly.length) console.log(`# Node-only test files (run by the Node suite): ${nodeOnly.join('; ')}`);
const passed = results.filter((r) => r.status === 'pass').length;
const failed = results.filter((r) => r.status === 'fail').length;
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

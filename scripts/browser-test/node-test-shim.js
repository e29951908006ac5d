// A browser stand-in for the subset of `node:test` our test files use (describe/test/it/before/after/
// beforeEach/afterEach), so the very same core test files run unchanged in headless Chromium.
const root = {
  name: '',
  tests: [],
  suites: [],
  before: [],
  after: [],
  beforeEach: [],
  afterEach: [],
  parent: null,
};
let current = root;

function register(kind, name, optsOrFn, maybeFn) {
  const fn = typeof optsOrFn === 'function' ? optsOrFn : maybeFn;
  const opts = typeof optsOrFn === 'object' && optsOrFn !== null ? optsOrFn : {};
  if (kind === 'suite') {
    const suite = {
      name,
      tests: [],
      suites: [],
      before: [],
      after: [],
      beforeEach: [],
      afterEach: [],
      parent: current,
      skip: !!opts.skip,
    };
    current.suites.push(suite);
    const prev = current;
    current = suite;
    try {
      fn?.();
    } finally {
      current = prev;
    }
  } else {
    current.tests.push({ name, fn, skip: !!opts.skip || !!opts.todo });
  }
}

export function describe(name, a, b) {
  register('suite', name, a, b);
}
export function test(name, a, b) {
  register('test', name, a, b);
}
export const it = test;
export const suite = describe;
export function before(fn) {
  current.before.push(fn);
}
export function after(fn) {
  current.after.push(fn);
}
export function beforeEach(fn) {
  current.beforeEach.push(fn);
}
export function afterEach(fn) {
  current.afterEach.push(fn);
}
describe.skip = (name, fn) => register('suite', name, { skip: true }, fn);
test.skip = (name, fn) => register('test', name, { skip: true }, fn);

const context = { diagnostic() {}, skip() {}, todo() {}, mock: {} };

function hooks(suite, kind) {
  const chain = [];
  for (let s = suite; s; s = s.parent) chain.unshift(s);
  return chain.flatMap((s) => s[kind]);
}

async function runSuite(suite, path, results) {
  if (suite.skip) return;
  for (const h of suite.before) await h(context);
  for (const t of suite.tests) {
    const name = [...path, t.name].join(' › ');
    if (t.skip) {
      results.push({ name, status: 'skip' });
      continue;
    }
    const started = performance.now();
    try {
      for (const h of hooks(suite, 'beforeEach')) await h(context);
      await t.fn(context);
      for (const h of hooks(suite, 'afterEach')) await h(context);
      results.push({ name, status: 'pass', ms: performance.now() - started });
    } catch (e) {
      results.push({ name, status: 'fail', error: String(e?.stack ?? e) });
    }
  }
  for (const s of suite.suites) await runSuite(s, [...path, s.name], results);
  for (const h of suite.after) await h(context);
}

export async function runAll() {
  const results = [];
  await runSuite(root, [], results);
  return results;
}

export default { describe, test, it, suite, before, after, beforeEach, afterEach };

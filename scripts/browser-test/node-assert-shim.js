// A browser stand-in for the subset of `node:assert/strict` our core tests use.
export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

function fail(message, fallback) {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? fallback);
}

function show(v) {
  try {
    return typeof v === 'bigint'
      ? `${v}n`
      : JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
  } catch {
    return String(v);
  }
}

function isDeepEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Map || a instanceof Set) return isDeepEqual([...a], [...b]);
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && isDeepEqual(a[k], b[k]));
}

function matchesExpected(err, expected) {
  if (expected === undefined) return true;
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && err instanceof expected) return true;
    if (expected === Error || Object.prototype.isPrototypeOf.call(Error, expected)) return false;
    return expected(err) === true;
  }
  if (expected instanceof RegExp) return expected.test(String(err?.message ?? err));
  if (typeof expected === 'object') {
    return Object.entries(expected).every(([k, v]) =>
      v instanceof RegExp ? v.test(err?.[k]) : isDeepEqual(err?.[k], v),
    );
  }
  return false;
}

function assert(value, message) {
  if (!value) fail(message, `expected truthy, got ${show(value)}`);
}
assert.ok = assert;
assert.equal = (a, b, m) => Object.is(a, b) || fail(m, `${show(a)} !== ${show(b)}`);
assert.strictEqual = assert.equal;
assert.notEqual = (a, b, m) => !Object.is(a, b) || fail(m, `${show(a)} === ${show(b)}`);
assert.notStrictEqual = assert.notEqual;
assert.deepEqual = (a, b, m) => isDeepEqual(a, b) || fail(m, `not deep-equal:\n${show(a)}\n${show(b)}`);
assert.deepStrictEqual = assert.deepEqual;
assert.notDeepEqual = (a, b, m) => !isDeepEqual(a, b) || fail(m, 'values are deep-equal');
assert.notDeepStrictEqual = assert.notDeepEqual;
assert.match = (s, re, m) => re.test(s) || fail(m, `${show(s)} does not match ${re}`);
assert.doesNotMatch = (s, re, m) => !re.test(s) || fail(m, `${show(s)} matches ${re}`);
assert.fail = (m) => fail(m, 'assert.fail');
assert.throws = (fn, expected, m) => {
  try {
    fn();
  } catch (e) {
    if (!matchesExpected(e, typeof expected === 'string' ? undefined : expected))
      fail(m, `unexpected error: ${e}`);
    return;
  }
  fail(typeof expected === 'string' ? expected : m, 'missing expected exception');
};
assert.doesNotThrow = (fn, m) => {
  try {
    fn();
  } catch (e) {
    fail(m, `unexpected exception: ${e}`);
  }
};
assert.rejects = async (p, expected, m) => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (!matchesExpected(e, typeof expected === 'string' ? undefined : expected))
      fail(m, `unexpected rejection: ${e}`);
    return;
  }
  fail(typeof expected === 'string' ? expected : m, 'missing expected rejection');
};
assert.doesNotReject = async (p, m) => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    fail(m, `unexpected rejection: ${e}`);
  }
};
assert.AssertionError = AssertionError;
assert.strict = assert;

export default assert;
export const {
  ok,
  equal,
  notEqual,
  deepEqual,
  notDeepEqual,
  strictEqual,
  deepStrictEqual,
  match,
  throws,
  rejects,
} = assert;

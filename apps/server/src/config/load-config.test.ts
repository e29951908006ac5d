import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, describeConfig, loadConfig, unknownElectraVariables } from './load-config.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  test('an empty environment gives the documented defaults, frozen', () => {
    const c = loadConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.dataDir, './data');
    assert.equal(c.slowQueryMs, 200);
    assert.equal(c.migrateOnStart, true);
    assert.equal(c.trustProxy, false);
    assert.equal(c.production, false);
    assert.ok(Object.isFrozen(c));
    assert.throws(() => {
      (c as { port: number }).port = 1;
    }, TypeError);
  });

  test('values are parsed into their types', () => {
    const c = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://u:p@db:5432/electra',
      ELECTRA_MIGRATE_ON_START: 'no',
      ELECTRA_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      METRICS_PORT: '9100',
      LOG_LEVEL: 'debug',
    });
    assert.equal(c.port, 9000);
    assert.equal(c.databaseUrl, 'postgres://u:p@db:5432/electra');
    assert.equal(c.migrateOnStart, false);
    assert.deepEqual(c.trustProxy, ['10.0.0.0/8', '127.0.0.1']);
    assert.equal(c.metricsPort, 9100);
    assert.equal(c.logLevel, 'debug');
    assert.equal(loadConfig({ ELECTRA_TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({ ELECTRA_TRUST_PROXY: 'true' }).trustProxy, true);
  });

  test('empty values count as unset', () => {
    assert.equal(loadConfig({ PORT: '', DATABASE_URL: '  ' }).port, 8080);
  });

  test('every problem is listed together', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DB_POOL_MAX: '0',
      LOG_LEVEL: 'loud',
      ELECTRA_MIGRATE_ON_START: 'maybe',
      METRICS_TOKEN: 'short',
    });
    assert.equal(problems.length, 5);
    for (const name of ['PORT', 'DB_POOL_MAX', 'LOG_LEVEL', 'ELECTRA_MIGRATE_ON_START', 'METRICS_TOKEN']) {
      assert.ok(
        problems.some((p) => p.startsWith(`${name} `)),
        `${name} missing from ${problems}`,
      );
    }
  });

  test('the error message lists each problem on its own line', () => {
    assert.throws(
      () => loadConfig({ PORT: 'x', BODY_LIMIT_BYTES: '1' }),
      (e: Error) =>
        e instanceof ConfigError &&
        /2 problems/.test(e.message) &&
        /\n {2}- PORT /.test(e.message) &&
        /\n {2}- BODY_LIMIT_BYTES /.test(e.message),
    );
  });

  test('a bad DATABASE_URL is reported without echoing it (it may hold a password)', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    assert.equal(problems.length, 1);
    assert.doesNotMatch(problems[0]!, /hunter2/);
    const p2 = problemsOf({ DATABASE_URL: 'not a url hunter2' });
    assert.doesNotMatch(p2[0]!, /hunter2/);
  });

  test('cross-variable rules', () => {
    assert.match(
      problemsOf({ HEADERS_TIMEOUT_MS: '40000', REQUEST_TIMEOUT_MS: '30000' })[0]!,
      /HEADERS_TIMEOUT_MS/,
    );
    assert.match(problemsOf({ PORT: '9000', METRICS_PORT: '9000' })[0]!, /METRICS_PORT must differ/);
    assert.match(
      problemsOf({ SHUTDOWN_DELAY_MS: '5000', SHUTDOWN_GRACE_MS: '5000' })[0]!,
      /SHUTDOWN_DELAY_MS/,
    );
  });

  test('a variable that failed to parse is not reported again by the rules', () => {
    assert.equal(problemsOf({ HEADERS_TIMEOUT_MS: 'x' }).length, 1);
    assert.equal(
      problemsOf({ NODE_ENV: 'production', METRICS_PORT: 'x', DATABASE_URL: 'postgres://h/d' }).length,
      1,
    );
  });

  test('production refuses the insecure defaults, all at once', () => {
    const problems = problemsOf({ NODE_ENV: 'production', ELECTRA_DEMO: 'true' });
    assert.equal(problems.length, 3);
    assert.ok(problems.some((p) => p.includes('DATABASE_URL is required')));
    assert.ok(problems.some((p) => p.includes('METRICS_PORT') && p.includes('METRICS_TOKEN')));
    assert.ok(problems.some((p) => p.includes('ELECTRA_DEMO')));
    // ELECTRA_ENV alone also means production.
    assert.equal(problemsOf({ ELECTRA_ENV: 'production' }).length, 2);
  });

  test('production accepts an explicit, secure configuration', () => {
    const withToken = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://electra@db/electra',
      METRICS_TOKEN: 'a-long-enough-metrics-token',
    });
    assert.equal(withToken.production, true);
    const withPort = loadConfig({
      ELECTRA_ENV: 'production',
      DATABASE_URL: 'postgresql://electra@db/electra',
      METRICS_PORT: '9100',
    });
    assert.equal(withPort.production, true);
  });
});

describe('unknownElectraVariables and describeConfig', () => {
  test('flags undeclared ELECTRA_* names (typos) only', () => {
    assert.deepEqual(unknownElectraVariables({ ELECTRA_DATADIR: 'x', ELECTRA_DATA_DIR: 'y', PATH: '/bin' }), [
      'ELECTRA_DATADIR',
    ]);
  });

  test('secrets are masked', () => {
    const d = describeConfig(
      loadConfig({ DATABASE_URL: 'postgres://u:pw@h/d', METRICS_TOKEN: 'x'.repeat(20) }),
    );
    assert.equal(d.DATABASE_URL, '[set]');
    assert.equal(d.METRICS_TOKEN, '[set]');
    assert.equal(d.PORT, 8080);
    assert.doesNotMatch(JSON.stringify(d), /pw@|xxxxxxxx/);
  });
});

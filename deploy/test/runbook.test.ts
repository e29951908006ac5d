/**
 * The runbooks cannot rot: every `electra <command>` they tell an operator to run answers `--help`
 * (and documents each option used with it), every HTTP path they use is a route of the real app,
 * and every ./scripts/*.sh they call exists, is executable and documents its options in `--help`.
 * Commands and routes promised by work not merged yet fail here by name: the failure message is the
 * precise list of what is missing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../apps/server/src/app.js';
import { loadConfig } from '../../apps/server/src/config/load-config.js';
import { createLogger } from '../../apps/server/src/observability/logger.js';
import { createMetrics } from '../../apps/server/src/observability/metrics.js';
import { FakeDatabase } from '../../apps/server/test/helpers/fake-database.js';
import { inventoryRunbooks } from './support/runbook-extract.js';
import { REPO_ROOT, run } from './support/tools.js';

const inventory = inventoryRunbooks();
const CLI = ['--conditions=electra-source', '--import', 'tsx', 'apps/server/src/cli/main.ts'];

interface HelpResult {
  status: number;
  output: string;
}

function cliHelp(command: string): Promise<HelpResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, command, '--help'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: 'development' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? 1, output }));
  });
}

/** Runs `fn` over `items` with at most `limit` in flight (each CLI start costs ~1 s of CPU). */
async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

const commandNames = [...inventory.commands.keys()].sort();
const help = new Map<string, HelpResult>();

const usesOf = (m: Map<string, { where: string; options: readonly string[] }[]>, key: string) =>
  m.get(key) ?? [];
const optionsOf = (m: Map<string, { where: string; options: readonly string[] }[]>, key: string) =>
  [...new Set(usesOf(m, key).flatMap((u) => u.options))].sort();

/** Why a runbook command is not usable, or undefined when it is. */
function commandProblem(name: string): string | undefined {
  const h = help.get(name)!;
  const firstUse = usesOf(inventory.commands, name)[0]!.where;
  if (h.status !== 0)
    return `electra ${name} (${firstUse}): --help exits ${h.status}: ${h.output.trim().split('\n')[0]}`;
  const undocumented = optionsOf(inventory.commands, name).filter(
    (o) => !new RegExp(`${o}\\b`).test(h.output),
  );
  if (undocumented.length > 0)
    return `electra ${name} (${firstUse}): --help does not document ${undocumented.join(', ')}`;
  return undefined;
}

describe('runbooks', () => {
  test('the inventory is not empty (the extraction works)', () => {
    assert.ok(inventory.files.includes('docs/runbooks/incident-response.md'));
    assert.ok(inventory.commands.has('db:check'), 'finds electra db:check');
    assert.ok(inventory.paths.has('/api/health/'), 'finds /api/health/');
    assert.ok(inventory.scripts.has('scripts/build_images.sh'), 'finds ./scripts/build_images.sh');
  });
});

describe('every electra command in the runbooks exists', () => {
  before(async () => {
    const results = await mapLimited(commandNames, 3, cliHelp);
    commandNames.forEach((name, i) => help.set(name, results[i]!));
  });

  for (const name of commandNames) {
    test(`electra ${name} --help succeeds and documents ${optionsOf(inventory.commands, name).join(' ') || 'its usage'}`, () => {
      const problem = commandProblem(name);
      assert.equal(problem, undefined, problem);
    });
  }

  test('summary: runbook commands that do not work yet', () => {
    const problems = commandNames.map(commandProblem).filter((p): p is string => p !== undefined);
    assert.deepEqual(problems, []);
  });
});

describe('every HTTP path in the runbooks is a route of the app', () => {
  let app: FastifyInstance;
  before(async () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    const db = new FakeDatabase();
    const metrics = createMetrics({
      version: '0.0.0-test',
      poolStats: () => db.poolStats(),
      defaultMetrics: false,
    });
    const logger = createLogger({ level: 'silent', version: '0.0.0-test' });
    app = await buildApp({ config, db, logger, metrics, version: '0.0.0-test' });
    await app.ready();
  });
  after(() => app?.close());

  const paths = [...inventory.paths.keys()].sort();
  for (const path of paths) {
    test(`GET ${path}`, () => {
      assert.ok(
        app.hasRoute({ method: 'GET', url: path }),
        `GET ${path} (${inventory.paths.get(path)![0]}) is not a registered route`,
      );
    });
  }

  test('summary: runbook paths that are not routes yet', () => {
    const missing = paths
      .filter((p) => !app.hasRoute({ method: 'GET', url: p }))
      .map((p) => `GET ${p} (${inventory.paths.get(p)![0]})`);
    assert.deepEqual(missing, []);
  });
});

describe('every script in the runbooks exists and documents its options', () => {
  const scripts = [...inventory.scripts.keys()].sort();
  function scriptProblem(script: string): string | undefined {
    const where = usesOf(inventory.scripts, script)[0]!.where;
    const file = join(REPO_ROOT, script);
    if (!existsSync(file)) return `./${script} (${where}) does not exist`;
    try {
      accessSync(file, constants.X_OK);
    } catch {
      return `./${script} (${where}) is not executable`;
    }
    const res = run(file, ['--help']);
    if (res.status !== 0) return `./${script} --help exits ${res.status}`;
    const undocumented = optionsOf(inventory.scripts, script).filter(
      (o) => !new RegExp(`${o}\\b`).test(res.stdout),
    );
    if (undocumented.length > 0) return `./${script} --help does not document ${undocumented.join(', ')}`;
    return undefined;
  }
  for (const script of scripts) {
    test(`./${script}`, () => {
      const problem = scriptProblem(script);
      assert.equal(problem, undefined, problem);
    });
  }
  test('summary: runbook scripts that do not work yet', () => {
    assert.deepEqual(scripts.map(scriptProblem).filter(Boolean), []);
  });
});

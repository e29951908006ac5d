/**
 * The runbooks cannot rot: every `electra <command>` they tell an operator to run answers `--help`
 * (and documents each option used with it), every HTTP path they use is a route of the real app,
 * and every ./scripts/*.sh they call exists, is executable and documents its options in `--help`.
 * Commands and routes promised by work not merged yet fail here by name: the failure message is the
 * precise list of what is missing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ServerHandle, startServer } from '../../apps/server/src/main.js';
import { createLogger } from '../../apps/server/src/observability/logger.js';
import { createTestDatabase, type TestDatabase } from '../../apps/server/test/helpers/test-database.js';
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
    for (const [i, name] of commandNames.entries()) help.set(name, results[i]!);
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
  // The app exactly as `electra serve` composes it (startServer: every module main.ts wires), on a
  // fresh database, so a route of any module the guides describe is found — and only those.
  let server: ServerHandle;
  let tdb: TestDatabase;
  let dataDir: string;
  before(async () => {
    tdb = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'electra-runbook-'));
    server = await startServer({
      env: {
        NODE_ENV: 'test',
        DATABASE_URL: tdb.url,
        ELECTRA_DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: '0',
      },
      logger: createLogger({ level: 'silent', version: '0.0.0-test' }),
      handleSignals: false,
      version: '0.0.0-test',
    });
  });
  after(async () => {
    await server?.close();
    await tdb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  // `POST /api/auth/login` in a guide is checked as POST; a path written without a method as GET.
  const uses = [...inventory.paths.keys()]
    .sort()
    .flatMap((path) =>
      [...(inventory.pathMethods.get(path) ?? ['GET'])].sort().map((method) => ({ method, path })),
    );
  const missing = ({ method, path }: { method: string; path: string }) =>
    !server.app.hasRoute({ method: method as 'GET', url: path });
  for (const use of uses) {
    test(`${use.method} ${use.path}`, () => {
      assert.ok(
        !missing(use),
        `${use.method} ${use.path} (${inventory.paths.get(use.path)![0]}) is not a registered route`,
      );
    });
  }

  test('summary: runbook paths that are not routes yet', () => {
    assert.deepEqual(
      uses.filter(missing).map((u) => `${u.method} ${u.path} (${inventory.paths.get(u.path)![0]})`),
      [],
    );
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

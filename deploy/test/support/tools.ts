/**
 * External tools the deploy tests depend on (kubectl, promtool, shellcheck, yamllint). A missing tool
 * is a FAILURE with the install hint, never a skip: a skipped manifest check would let broken
 * manifests through CI unnoticed.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (deploy/test/support → ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const INSTALL_HINTS: Readonly<Record<string, string>> = {
  kubectl:
    'kubectl (with its built-in kustomize) renders the manifests. Debian bookworm has no usable package: ' +
    'install the official binary (https://dl.k8s.io/release/v1.32.4/bin/linux/amd64/kubectl) or the ' +
    'Kubernetes apt repository (pkgs.k8s.io) in the CI image.',
  promtool: 'promtool comes with Debian: apt-get install -y prometheus',
  shellcheck: 'apt-get install -y shellcheck',
  yamllint: 'apt-get install -y yamllint',
};

export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Throws a clear error when `cmd` is not on PATH. */
export function requireCommand(cmd: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (found.status !== 0) {
    throw new Error(`required tool "${cmd}" is not installed. ${INSTALL_HINTS[cmd] ?? ''}`);
  }
}

/** Runs a command from the repository root and returns its exit status and output. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const res = spawnSync(cmd, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw res.error;
  return { status: res.status ?? 1, stdout: res.stdout, stderr: res.stderr } satisfies RunResult;
}

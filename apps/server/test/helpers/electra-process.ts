/**
 * `electra …` as its own process (what operators run, where separate processes matter), without
 * loading the CLI into the test's process (web tests import this through the e2e kit).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ProcessResult {
  /** null when the process was killed by a signal */
  code: number | null;
  stdout: string;
  stderr: string;
}

const SOURCE_MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** Where `npm run build` puts the server's entry point (what production runs). */
const BUILT_CLI_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** How to run `electra` as a process: from the build, or from the sources under tsx. */
export function electraCommand(built: boolean): string[] {
  return built ? [BUILT_CLI_MAIN] : ['--conditions=electra-source', '--import', 'tsx', SOURCE_MAIN];
}

/**
 * `electra <args>` as its own process, from the sources (tsx) or, with `built`, from the build;
 * `env` replaces the environment when given. Resolves with the exit code (null: killed) and output.
 */
export function electraProcess(
  args: string[],
  o: { env?: NodeJS.ProcessEnv; built?: boolean } = {},
): Promise<ProcessResult> {
  const child = spawn(process.execPath, [...electraCommand(o.built ?? false), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(o.env ? { env: o.env } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

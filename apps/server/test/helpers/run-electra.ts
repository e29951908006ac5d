/**
 * Runs `electra …` in-process against a test database (the real dispatcher and commands, with
 * cliRuntime swapped so output is captured and the environment is exactly the one given). As a real
 * process: electra-process.ts.
 */
import { type CliCommand, cliRuntime } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runElectra(env: Record<string, string | undefined>, args: string[]): Promise<CliResult> {
  return captured(env, () => runCli(args));
}

/** One command object's `run` (its own argv, no dispatcher), captured the same way. */
export function runCommand(
  env: Record<string, string | undefined>,
  command: CliCommand,
  argv: string[],
): Promise<CliResult> {
  return captured(env, () => command.run(argv));
}

let inProcessBusy = false;

async function captured(
  env: Record<string, string | undefined>,
  run: () => Promise<number>,
): Promise<CliResult> {
  // cliRuntime is process-wide: overlapping in-process runs would mix their output and environment.
  if (inProcessBusy) throw new Error('in-process electra runs must not overlap; use electraProcess()');
  inProcessBusy = true;
  const saved = { ...cliRuntime };
  let stdout = '';
  let stderr = '';
  cliRuntime.out = (t) => {
    stdout += t;
  };
  cliRuntime.err = (t) => {
    stderr += t;
  };
  cliRuntime.env = { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env };
  try {
    return { code: await run(), stdout, stderr };
  } finally {
    Object.assign(cliRuntime, saved);
    inProcessBusy = false;
  }
}

/** Polls `check` every 100 ms until it returns true; resolves to the elapsed ms, or throws after `ms`. */
export async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The `electra` dispatcher: pick the command from the registry and run it. Exit codes are a contract
 * for scripts and the runbook: 0 success, 1 failure (the message on stderr), 2 wrong usage (unknown
 * command or option, bad argument). Side-effect free, so tests can run commands in-process.
 */
import { ConfigError } from '../config/load-config.js';
import { type CliCommand, cliRuntime, UsageError } from './command.js';
import { commands } from './commands/index.js';
import { serverVersion } from './server-version.js';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: electra <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `electra <command> --help` for the options of a command.',
    'Configuration comes from environment variables (see the README); without DATABASE_URL the',
    'embedded PostgreSQL in ELECTRA_DATA_DIR (default ./data) is used.',
  ].join('\n');
}

/** Runs one CLI invocation and resolves to its exit code (never throws). */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    cliRuntime.err(`${overview()}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : commands.find((c) => c.name === rest[0]);
    cliRuntime.out(`${topic ? topic.usage.trimEnd() : overview()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    cliRuntime.out(`electra ${serverVersion()}\n`);
    return 0;
  }
  const command: CliCommand | undefined = commands.find((c) => c.name === name);
  if (!command) {
    const near = commands.filter((c) => c.name.startsWith(name.split(':')[0] ?? name)).map((c) => c.name);
    const hint = near.length > 0 ? ` Did you mean: ${near.join(', ')}?` : '';
    cliRuntime.err(`electra: unknown command "${name}".${hint} Run "electra --help" for the list.\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      cliRuntime.err(`electra ${command.name}: ${e.message}\nRun "electra ${command.name} --help".\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      cliRuntime.err(`electra ${command.name}: ${e.message}\n`);
      return 1;
    }
    const err = e as { message?: string; code?: string };
    const code = err.code ? ` (${err.code})` : '';
    cliRuntime.err(`electra ${command.name}: ${err.message ?? String(e)}${code}\n`);
    if (cliRuntime.env.ELECTRA_DEBUG) cliRuntime.err(`${(e as Error).stack ?? ''}\n`);
    return 1;
  }
}

/**
 * What every `electra` command is (the registry in commands/index.ts holds these) and the one way
 * they parse arguments: node:util parseArgs in strict mode, `--help`/`-h` on every command, and a
 * UsageError for anything unknown or malformed so the dispatcher can answer with exit code 2.
 */
import { parseArgs } from 'node:util';

export interface CliCommand {
  /** As typed: `migrate`, `db:check`, … */
  name: string;
  /** One line for `electra --help`. */
  summary: string;
  /** Full help text printed by `electra <name> --help` (synopsis, options, examples). */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/**
 * Where commands write and which environment they read. The real process by default; tests run
 * commands in-process by swapping these (commands must not touch process.stdout/env directly).
 */
export const cliRuntime = {
  out: (text: string): void => {
    process.stdout.write(text);
  },
  err: (text: string): void => {
    process.stderr.write(text);
  },
  env: process.env as Readonly<Record<string, string | undefined>>,
};

/** Wrong invocation: the dispatcher prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parse `argv` for `command`. Returns undefined after printing the usage when `--help` was given
 * (the command then exits 0). Unknown options, missing option values and a wrong number of
 * positionals throw UsageError.
 */
export function parseCommandArgs(
  command: Pick<CliCommand, 'name' | 'usage'>,
  argv: string[],
  options: Record<string, OptionSpec>,
  positionals: { min: number; max: number } = { min: 0, max: 0 },
): ParsedArgs | undefined {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: positionals.max > 0,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}`);
  }
  if (parsed.values.help === true) {
    cliRuntime.out(`${command.usage.trimEnd()}\n`);
    return undefined;
  }
  const count = parsed.positionals.length;
  if (count < positionals.min || count > positionals.max) {
    const want =
      positionals.min === positionals.max ? `${positionals.min}` : `${positionals.min} to ${positionals.max}`;
    throw new UsageError(`expected ${want} argument${positionals.max === 1 ? '' : 's'}, got ${count}`);
  }
  return {
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

/** Print `value` as one JSON document on stdout (for --json). */
export function printJson(value: unknown): void {
  cliRuntime.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned text table; cells are already strings. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

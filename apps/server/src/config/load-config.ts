/**
 * Parses and validates the configuration once, at start, from an env object handed in by the caller
 * (only `main.ts` and the CLI read `process.env`). Every problem is collected and reported together in
 * one ConfigError, and production refuses insecure defaults (ARCHITECTURE §9.7). The result is frozen
 * so nothing can change it after the checks ran.
 */
import { type Config, type ConfigKey, configEntries } from './schema.js';

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
  }
}

type Draft = { -readonly [K in keyof Config]?: Config[K] };

/** Checks that involve several variables or the production mode. Each returns problems (maybe none). */
const RULES: ((c: Draft, failed: ReadonlySet<ConfigKey>) => string[])[] = [
  (c) =>
    c.headersTimeoutMs !== undefined &&
    c.requestTimeoutMs !== undefined &&
    c.headersTimeoutMs > c.requestTimeoutMs
      ? [
          `HEADERS_TIMEOUT_MS (${c.headersTimeoutMs}) must not exceed REQUEST_TIMEOUT_MS (${c.requestTimeoutMs})`,
        ]
      : [],
  (c) =>
    c.metricsPort !== undefined && c.metricsPort !== 0 && c.metricsPort === c.port
      ? [
          `METRICS_PORT must differ from PORT (both are ${c.port}); unset METRICS_PORT to serve metrics on PORT`,
        ]
      : [],
  (c) =>
    c.shutdownDelayMs !== undefined &&
    c.shutdownGraceMs !== undefined &&
    c.shutdownDelayMs > 0 &&
    c.shutdownDelayMs >= c.shutdownGraceMs
      ? [
          `SHUTDOWN_DELAY_MS (${c.shutdownDelayMs}) must be less than SHUTDOWN_GRACE_MS (${c.shutdownGraceMs}), which counts from the signal`,
        ]
      : [],
  (c, failed) => {
    if (!c.production) return [];
    const problems: string[] = [];
    if (c.databaseUrl === undefined) {
      problems.push(
        'production: DATABASE_URL is required (the embedded PostgreSQL is for development and single-machine trials only)',
      );
    }
    const metricsUnsettled = failed.has('metricsPort') || failed.has('metricsToken');
    if (!metricsUnsettled && c.metricsToken === undefined && c.metricsPort === undefined) {
      problems.push(
        'production: /metrics would be public on the API port; set METRICS_PORT (a port kept off the ingress) or METRICS_TOKEN',
      );
    }
    if (c.demo === true) problems.push('production: ELECTRA_DEMO must be false (no demo data in production)');
    return problems;
  },
];

/** Reads every declared variable from `env`, reporting all problems at once. */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const draft: Record<string, unknown> = {};
  const failed = new Set<ConfigKey>();
  for (const [key, spec] of configEntries()) {
    const raw = env[spec.env];
    if (raw === undefined || raw.trim() === '') {
      draft[key] = spec.default;
      continue;
    }
    const result = spec.parser.parse(raw);
    if (result.ok) draft[key] = result.value;
    else {
      failed.add(key);
      problems.push(`${spec.env} ${result.problem}`);
    }
  }
  draft.production = draft.nodeEnv === 'production' || draft.electraEnv === 'production';
  // Unset, the public URL follows PORT, so the links Electra prints and mails in development work.
  if (!env.ELECTRA_PUBLIC_URL?.trim() && typeof draft.port === 'number' && draft.port !== 0) {
    draft.publicUrl = `http://localhost:${draft.port}`;
  }
  // Cross-variable rules only see variables that parsed, so one typo is not reported twice.
  const view = Object.fromEntries(
    Object.entries(draft).filter(([k]) => !failed.has(k as ConfigKey)),
  ) as Draft;
  for (const rule of RULES) problems.push(...rule(view, failed));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(draft) as Config;
}

/**
 * Variables that look like Electra's (ELECTRA_* prefix) but are not declared: most likely typos.
 * Returned rather than thrown so the caller can log a warning.
 */
export function unknownElectraVariables(env: Env): string[] {
  const known = new Set(configEntries().map(([, s]) => s.env));
  return Object.keys(env)
    .filter((name) => name.startsWith('ELECTRA_') && !known.has(name))
    .sort();
}

/** The configuration with secrets replaced, safe to log at start. */
export function describeConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = { production: config.production };
  for (const [key, spec] of configEntries()) {
    const value = config[key];
    out[spec.env] = spec.secret && value !== undefined ? '[set]' : value;
  }
  return out;
}

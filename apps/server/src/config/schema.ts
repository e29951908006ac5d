/**
 * The one declaration of every environment variable Electra reads (ARCHITECTURE §9.7): name, type,
 * default, description and whether it is secret. The loader, the README table and `.env.example` are
 * all derived from this list, so a variable cannot be read without being documented. Add new
 * variables here and nowhere else.
 */
import {
  boolean,
  integer,
  listOf,
  oneOf,
  type Parser,
  postgresUrl,
  type TrustProxy,
  text,
  trustProxy,
} from './parsers.js';

export interface VarSpec<T> {
  readonly env: string;
  readonly parser: Parser<T>;
  /** `undefined` means the variable is optional and has no default. */
  readonly default: T | undefined;
  readonly description: string;
  /** Secret values are never printed (problems, tables, logs). */
  readonly secret: boolean;
}

function required<T>(
  env: string,
  parser: Parser<T>,
  dflt: T,
  description: string,
  secret = false,
): VarSpec<T> {
  return { env, parser, default: dflt, description, secret };
}

function optional<T>(
  env: string,
  parser: Parser<T>,
  description: string,
  secret = false,
): VarSpec<T | undefined> {
  return { env, parser: parser as Parser<T | undefined>, default: undefined, description, secret };
}

export const ENVIRONMENTS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const CONFIG_SCHEMA = {
  nodeEnv: required(
    'NODE_ENV',
    oneOf(ENVIRONMENTS),
    'development',
    '`production` turns on the production checks (no embedded database, no demo data, metrics protected).',
  ),
  electraEnv: optional(
    'ELECTRA_ENV',
    oneOf(ENVIRONMENTS),
    'Same as NODE_ENV for Electra only; either one set to `production` means production.',
  ),
  port: required('PORT', integer(0, 65535), 8080, 'TCP port of the HTTP API (0 picks a free port).'),
  host: required(
    'HOST',
    text(),
    '127.0.0.1',
    'Address the HTTP API listens on. Containers set `0.0.0.0`; the default only accepts local connections.',
  ),
  databaseUrl: optional(
    'DATABASE_URL',
    postgresUrl,
    'PostgreSQL server to use. Unset: Electra runs its own embedded PostgreSQL in ELECTRA_DATA_DIR (refused in production).',
    true,
  ),
  dataDir: required(
    'ELECTRA_DATA_DIR',
    text(),
    './data',
    'Directory of the embedded PostgreSQL cluster and other local state.',
  ),
  dbPoolMax: required('DB_POOL_MAX', integer(1, 1000), 10, 'Maximum connections in the database pool.'),
  dbPreparedStatements: required(
    'DB_PREPARED_STATEMENTS',
    boolean,
    true,
    'Run statements as prepared statements on each connection (PostgreSQL parses and plans each once). Set false behind a transaction-mode connection pooler that cannot keep them (PgBouncer before 1.21).',
  ),
  migrateOnStart: required(
    'ELECTRA_MIGRATE_ON_START',
    boolean,
    true,
    'Apply pending migrations at start (under an advisory lock, safe with several replicas). Otherwise run `electra migrate`.',
  ),
  slowQueryMs: required(
    'ELECTRA_SLOW_QUERY_MS',
    integer(1),
    200,
    'Queries slower than this are logged as a `slow query` warning with their name and duration.',
  ),
  logLevel: required('LOG_LEVEL', oneOf(LOG_LEVELS), 'info', 'Minimum level of the JSON logs on stdout.'),
  bodyLimitBytes: required(
    'BODY_LIMIT_BYTES',
    integer(1024, 100 * 1024 * 1024),
    1024 * 1024,
    'Largest accepted request body; larger ones get 413 PAYLOAD_TOO_LARGE.',
  ),
  trustProxy: required<TrustProxy>(
    'ELECTRA_TRUST_PROXY',
    trustProxy,
    false,
    'Which reverse proxies to believe for X-Forwarded-For/-Proto: `false`, `true` (all), a hop count, or comma-separated IPs/CIDRs.',
  ),
  metricsPort: optional(
    'METRICS_PORT',
    integer(0, 65535),
    'Serve `/metrics` on this separate port instead of the API port (keep it off the public ingress).',
  ),
  metricsToken: optional(
    'METRICS_TOKEN',
    text({ minLength: 16 }),
    'Bearer token required on `/metrics` (`Authorization: Bearer …`). Required in production when metrics share the API port.',
    true,
  ),
  requestTimeoutMs: required(
    'REQUEST_TIMEOUT_MS',
    integer(1000),
    30_000,
    'Time allowed to receive a whole request (headers and body) before answering 408.',
  ),
  headersTimeoutMs: required(
    'HEADERS_TIMEOUT_MS',
    integer(1000),
    10_000,
    'Time allowed to receive the request headers (slowloris protection); at most REQUEST_TIMEOUT_MS.',
  ),
  keepAliveTimeoutMs: required(
    'KEEP_ALIVE_TIMEOUT_MS',
    integer(1000),
    65_000,
    'Idle time before a keep-alive connection is closed; keep it above the load balancer idle timeout (often 60 s).',
  ),
  connectionTimeoutMs: required(
    'CONNECTION_TIMEOUT_MS',
    integer(1000),
    120_000,
    'Socket inactivity timeout while a request is being processed.',
  ),
  shutdownGraceMs: required(
    'SHUTDOWN_GRACE_MS',
    integer(0),
    25_000,
    'On SIGTERM/SIGINT, time allowed for in-flight requests to finish (counted from the signal); exit 1 if exceeded.',
  ),
  shutdownDelayMs: required(
    'SHUTDOWN_DELAY_MS',
    integer(0),
    0,
    'On SIGTERM/SIGINT, keep serving this long with readiness at 503 so load balancers stop routing here first.',
  ),
  rateLimitNotFoundPerMin: required(
    'RATE_LIMIT_NOT_FOUND_PER_MIN',
    integer(1),
    60,
    'Requests to unknown routes allowed per client IP per minute before 429 RATE_LIMITED (scanners).',
  ),
  demo: required(
    'ELECTRA_DEMO',
    boolean,
    false,
    'Seed a clearly marked demo dataset on first start (embedded database only; refused in production).',
  ),
  // Identity and access (issue 4).
  keyEncryptionKey: optional(
    'ELECTRA_KEY_ENCRYPTION_KEY',
    text({
      pattern: /^[A-Za-z0-9+/]{43}=$/,
      patternHint: 'base64 of 32 random bytes (e.g. `openssl rand -base64 32`)',
    }),
    'Encrypts token-signing keys and TOTP secrets at rest; the same on every replica. Required in production; in development a key is generated in ELECTRA_DATA_DIR/key-encryption.key.',
    true,
  ),
  mfaRequiredRoles: required<('voter' | 'officer' | 'admin' | 'auditor')[]>(
    'ELECTRA_MFA_REQUIRED_ROLES',
    listOf(['voter', 'officer', 'admin', 'auditor'] as const),
    ['admin', 'officer'],
    'Roles that must sign in with a second factor (TOTP); `none` for nobody.',
  ),
  authRateLimitPerMin: required(
    'ELECTRA_AUTH_RATE_LIMIT_PER_MIN',
    integer(1, 1_000_000),
    30,
    'Sign-in attempts per client IP per minute (also MFA and password reset; refresh gets 4x, reset mails 1/3), shared across replicas.',
  ),
  redisUrl: optional(
    'REDIS_URL',
    text({ pattern: /^rediss?:\/\//, patternHint: 'a redis:// or rediss:// URL' }),
    'Keep the per-IP auth rate-limit counters in Redis instead of PostgreSQL.',
    true,
  ),
  smtpUrl: optional(
    'SMTP_URL',
    text({ pattern: /^smtps?:\/\//, patternHint: 'an smtp:// or smtps:// URL' }),
    'Mail server for password reset and invitations. Unset: mail goes to the local outbox (`electra mail:outbox`).',
    true,
  ),
  mailFrom: required(
    'ELECTRA_MAIL_FROM',
    text(),
    'Electra <no-reply@localhost>',
    'Sender address of outgoing mail.',
  ),
  publicUrl: required(
    'ELECTRA_PUBLIC_URL',
    text({ pattern: /^https?:\/\/[^\s]+$/, patternHint: 'an http(s) URL' }),
    'http://localhost:8080',
    'Public base URL of the web app, used in links sent by mail and printed by the demo. Unset: http://localhost:PORT.',
  ),
  cryptoBackend: required<'auto' | 'native' | 'wasm'>(
    'ELECTRA_CRYPTO_BACKEND',
    oneOf(['auto', 'native', 'wasm'] as const),
    'auto',
    'Group arithmetic of the server, its worker threads and the CLI: `native` (the system libsodium, built at install when libsodium-dev is present, with libdecaf-dev also for verification: ~3x faster), `wasm` (libsodium WebAssembly, as in browsers) or `auto` (native when built). ADR 0008, 0009.',
  ),
  // Operations (issue 7).
  maintenanceReadiness: required<'serve' | 'unready'>(
    'ELECTRA_MAINTENANCE_READINESS',
    oneOf(['serve', 'unready'] as const),
    'serve',
    'In maintenance mode, `serve`: replicas stay ready and answer 503 with the message themselves; `unready`: readiness fails too, so the ingress falls back to its default backend (docs/operations/maintenance.md).',
  ),
  backupDir: optional(
    'ELECTRA_BACKUP_DIR',
    text(),
    'Where `electra db:backup` writes and `electra db:restore --latest` looks. Default: ELECTRA_DATA_DIR/backups.',
  ),
  backupEncryptionKey: optional(
    'ELECTRA_BACKUP_ENCRYPTION_KEY',
    text({
      pattern: /^[A-Za-z0-9+/]{43}=$/,
      patternHint: 'base64 of 32 random bytes (e.g. `openssl rand -base64 32`)',
    }),
    'AES-256-GCM key for `electra db:backup --encrypt` and for restoring encrypted backups. Keep a copy outside the cluster.',
    true,
  ),
  electionSchedulerMs: required(
    'ELECTRA_ELECTION_SCHEDULER_MS',
    integer(1000, 3_600_000),
    15_000,
    'How often each replica checks for elections due to open or close and for election mail (one replica acts per election).',
  ),
  reminderIntervalHours: required(
    'ELECTRA_REMINDER_INTERVAL_HOURS',
    integer(0, 24 * 30),
    24,
    'Reminder mail to eligible voters who have not voted, every this many hours after their invitation; 0 for none.',
  ),
  ceremonyTimeoutHours: required(
    'ELECTRA_CEREMONY_TIMEOUT_HOURS',
    integer(0, 24 * 90),
    72,
    'A key ceremony still running this many hours after it started is ended by the scheduler (CEREMONY_TIMEOUT, back to draft, the officer who started it is mailed); 0 for no deadline.',
  ),
} as const;

export type ConfigSchema = typeof CONFIG_SCHEMA;
export type ConfigKey = keyof ConfigSchema;

type ValueOf<S> = S extends VarSpec<infer T> ? T : never;

/** The validated, frozen configuration. `production` is derived from NODE_ENV / ELECTRA_ENV. */
export type Config = { readonly [K in ConfigKey]: ValueOf<ConfigSchema[K]> } & {
  readonly production: boolean;
};

export function configEntries(): [ConfigKey, VarSpec<unknown>][] {
  return Object.entries(CONFIG_SCHEMA) as [ConfigKey, VarSpec<unknown>][];
}

/** All environment variable names, in declaration order. */
export function configVariableNames(): string[] {
  return configEntries().map(([, spec]) => spec.env);
}

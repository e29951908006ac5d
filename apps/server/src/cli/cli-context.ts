/**
 * What the CLI commands share: the validated configuration (the same loader and variables as the
 * server, so `electra db:check` checks the database the server would use), a logger on stderr
 * (stdout stays clean for tables and --json), and a small-pool database connection that never
 * migrates on its own. With no DATABASE_URL this opens the embedded database, attaching to it when
 * a running `electra serve` owns it.
 */
import pino from 'pino';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { AuditRepository } from '../domain/audit/audit.repository.js';
import { type AuthSetup, createAuthFromConfig } from '../domain/auth/auth-setup.js';
import { createLogger } from '../observability/logger.js';
import { openDatabase, type SqlDatabase } from '../store/pg-database.js';
import type { StoreLogger } from '../store/store-logger.js';
import { cliRuntime } from './command.js';
import { serverVersion } from './server-version.js';

/** Configuration from the environment; throws ConfigError listing every problem. */
export function cliConfig(): Config {
  return loadConfig(cliRuntime.env);
}

/** JSON logs on stderr; quieter than the server (warn) unless LOG_LEVEL is set explicitly. */
export function cliLogger(config: Config): StoreLogger {
  return createLogger({
    level: cliRuntime.env.LOG_LEVEL ? config.logLevel : 'warn',
    version: serverVersion(),
    destination: pino.destination({ dest: 2, sync: true }),
  });
}

export interface CliDatabaseOptions {
  /** Connect/checkout timeout in ms (db:check --timeout). */
  connectTimeoutMs?: number;
}

export function openCliDatabase(config: Config, options: CliDatabaseOptions = {}): Promise<SqlDatabase> {
  return openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: 2,
    preparedStatements: config.dbPreparedStatements,
    slowQueryMs: config.slowQueryMs,
    logger: cliLogger(config),
    migrateOnStart: false,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    applicationName: 'electra-cli',
  });
}

/** Run `fn` with an open CLI database, always closing it (and a CLI-started embedded server). */
export async function withCliDatabase<T>(
  config: Config,
  fn: (db: SqlDatabase) => Promise<T>,
  options?: CliDatabaseOptions,
): Promise<T> {
  const db = await openCliDatabase(config, options);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** What a command acting through the identity services gets: the database, the audit log, auth. */
export interface CliAuthContext {
  readonly db: SqlDatabase;
  readonly audit: AuditRepository;
  readonly auth: AuthSetup['auth'];
  readonly logger: StoreLogger;
}

/**
 * Run `fn` with the identity services built as the server builds them (no Redis: the CLI's
 * rate limits do not matter), closing them and the database whatever happens.
 */
export function withCliAuth<T>(config: Config, fn: (ctx: CliAuthContext) => Promise<T>): Promise<T> {
  return withCliDatabase(config, async (db) => {
    const logger = cliLogger(config);
    const audit = new AuditRepository(db);
    const { auth, close } = createAuthFromConfig({ config, db, audit, logger, connectRedis: false });
    try {
      return await fn({ db, audit, auth, logger });
    } finally {
      await close();
    }
  });
}

/**
 * Composition root (ARCHITECTURE §4): configuration → logger → database → metrics → app → listen →
 * shutdown handlers. This and the CLI are the only modules that read `process.env`.
 *
 * Graceful shutdown (ARCHITECTURE §7, "graceful SIGTERM drain, readiness drops first"): on the first
 * SIGTERM/SIGINT readiness answers 503 at once; after SHUTDOWN_DELAY_MS the listener closes (idle
 * keep-alive connections are closed, responses still being written go out with `Connection: close`),
 * in-flight requests get until SHUTDOWN_GRACE_MS (counted from the signal) to finish, then the DB pool
 * (and the embedded PostgreSQL) closes and the process exits 0 — or 1 when the grace period ran out
 * with requests still running. A second signal exits at once.
 */
import { realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp, buildMetricsApp } from './app.js';
import { serverVersion } from './cli/server-version.js';
import {
  ConfigError,
  describeConfig,
  type Env,
  loadConfig,
  unknownElectraVariables,
} from './config/load-config.js';
import type { Config } from './config/schema.js';
import { initCrypto } from './crypto/init-crypto.js';
import { AuditRepository } from './domain/audit/audit.repository.js';
import { type AuthSetup, createAuthFromConfig } from './domain/auth/auth-setup.js';
import { resolveKeyEncryptionKey } from './domain/auth/key-encryption-key.js';
import { type CastingModule, createCastingModule } from './domain/casting/casting-module.js';
import { createCeremonyModule } from './domain/ceremony/ceremony-module.js';
import { electionGateway } from './domain/ceremony/elections-adapter.js';
import { createElectionsModule, type ElectionsModule } from './domain/elections/elections-module.js';
import { CacheRegistry } from './domain/operations/cache-registry.js';
import { SettingsWatcher } from './domain/operations/settings-watcher.js';
import { createTallyModule, tallyBoard } from './domain/tally/tally-module.js';
import { createAccessModule } from './domain/user-admin/access-module.js';
import { defaultWebRoot, hasWebApp } from './http/web.routes.js';
import type { ReadinessGate } from './observability/health.js';
import { createLogger, type Logger, stdoutDestination } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { openDatabase, type SqlDatabase } from './store/pg-database.js';

export interface StartServerOptions {
  /** Environment to load the configuration from; default `process.env`. Ignored when `config` is given. */
  env?: Env;
  /** An already validated configuration (the CLI may have loaded it). */
  config?: Config;
  /** Default: pino JSON on stdout (pretty on a developer's terminal). */
  logger?: Logger;
  /** Default: the server package version. */
  version?: string;
  /** Install SIGTERM/SIGINT and fatal-error handlers that exit the process. Default true. */
  handleSignals?: boolean;
  /** How the signal handlers end the process; default `process.exit`. */
  exit?: (code: number) => void;
  /** Register the test-only routes (a slow request for shutdown tests). Refused in production. */
  testRoutes?: boolean;
  /** Extra readiness gates (e.g. maintenance mode). */
  readinessGates?: readonly ReadinessGate[];
  /** How often the settings (maintenance mode, cache epoch, last backup) are re-read; default 2000 ms. */
  settingsPollMs?: number;
  /** Runs once the database is open (and migrated) and before listening, e.g. to seed demo data. */
  beforeListen?: (ctx: { config: Config; db: SqlDatabase; logger: Logger }) => Promise<void>;
  /** Where the demo's how-to lines go (ELECTRA_DEMO); default stdout. */
  demoPrint?: (line: string) => void;
}

export interface ServerHandle {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly db: SqlDatabase;
  readonly logger: Logger;
  /** In-process caches `electra cache:clear` drops (modules register theirs here). */
  readonly caches: CacheRegistry;
  /** Base URL of the API, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Base URL of the separate metrics listener, when METRICS_PORT is set. */
  readonly metricsUrl: string | undefined;
  /**
   * Graceful shutdown, as on SIGTERM but without exiting: resolves to the exit code the process
   * should use (0 drained in time, 1 otherwise). Idempotent.
   */
  close(reason?: string): Promise<number>;
}

function baseUrl(app: FastifyInstance, host: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** Resolves true when `work` settles within `ms`, false on timeout (work keeps running). */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  const ac = new AbortController();
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      sleep(ms, false, { signal: ac.signal }).catch(() => false),
    ]);
  } finally {
    ac.abort();
  }
}

export async function startServer(options: StartServerOptions = {}): Promise<ServerHandle> {
  const env = options.env ?? process.env;
  const config = options.config ?? loadConfig(env);
  const version = options.version ?? serverVersion();
  const logger =
    options.logger ??
    createLogger({
      level: config.logLevel,
      version,
      destination: await stdoutDestination({ production: config.production }),
    });
  for (const name of unknownElectraVariables(env)) {
    logger.warn({ variable: name }, `unknown configuration variable ${name} ignored (typo?)`);
  }
  logger.info({ config: describeConfig(config) }, 'starting Electra');
  // Worker threads read the same variable, so they pick the backend chosen here.
  process.env.ELECTRA_CRYPTO_BACKEND = config.cryptoBackend;
  logger.info({ backend: await initCrypto(config.cryptoBackend) }, 'crypto backend ready');

  // The metrics registry is built once the database is open; statements report to it from then on.
  let observeStatement: ((name: string, seconds: number) => void) | undefined;
  const db = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.dbPoolMax,
    preparedStatements: config.dbPreparedStatements,
    slowQueryMs: config.slowQueryMs,
    logger,
    migrateOnStart: config.migrateOnStart,
    onStatement: (name, seconds) => observeStatement?.(name, seconds),
  });

  let app: FastifyInstance | undefined;
  let metricsApp: FastifyInstance | undefined;
  let identity: AuthSetup | undefined;
  let elections: ElectionsModule | undefined;
  let casting: CastingModule | undefined;
  const caches = new CacheRegistry();
  const settings = new SettingsWatcher({ db, caches, logger, intervalMs: options.settingsPollMs });
  try {
    await options.beforeListen?.({ config, db, logger });
    const metrics = createMetrics({ version, poolStats: () => db.poolStats() });
    observeStatement = (name, seconds) => metrics.dbStatementSeconds.observe({ statement: name }, seconds);
    const audit = new AuditRepository(db);
    identity = createAuthFromConfig({ config, db, audit, logger });
    const keyRing = identity.auth.keyRing;
    caches.register('auth.key-ring', () => keyRing.invalidate());
    // First read before listening: a replica started during maintenance never serves a request.
    await settings.start();
    const access = createAccessModule({
      db,
      audit,
      auth: identity.auth,
      publicUrl: config.publicUrl,
      onInvitationError: (_email, err) => logger.warn({ err }, 'invitation email failed'),
    });
    // Elections first (the ceremony, casting and tally use its lifecycle and eligibility); the board
    // opener (casting), end-ballots and the results source (tally) are set on it once those are built.
    elections = createElectionsModule({
      db,
      audit,
      mailer: identity.auth.mailer,
      publicUrl: config.publicUrl,
      logger,
      schedulerTickMs: config.electionSchedulerMs,
      reminderIntervalMs: config.reminderIntervalHours * 3_600_000,
      metrics,
    });
    // One key-encryption key for every module that seals server-held secrets (T_0, receipt keys).
    const kek = resolveKeyEncryptionKey({
      configured: config.keyEncryptionKey,
      dataDir: config.dataDir,
      production: config.production,
      warn: (msg) => logger.warn({ variable: 'ELECTRA_KEY_ENCRYPTION_KEY' }, msg),
    });
    // Trustee ceremony (T_0's secrets sealed with the key-encryption key) and credentials; casting
    // takes its setupSources and bindCredential.
    const ceremony = await createCeremonyModule({
      db,
      policy: identity.auth.policy,
      audit,
      mailer: identity.auth.mailer,
      elections: electionGateway({
        service: elections.service,
        elections: elections.repository,
        eligibility: elections.eligibility,
      }),
      keyEncryptionKey: kek,
      publicUrl: config.publicUrl,
      ceremonyTimeoutMs: config.ceremonyTimeoutHours * 3_600_000,
      log: logger,
    });
    // The scheduler ends key ceremonies past ELECTRA_CEREMONY_TIMEOUT_HOURS (one replica acts).
    elections.setCeremonyExpiry((now, actor) => ceremony.ceremony.expireStalled(now, actor));
    // Casting and the public board: eligibility from elections, credentials and the setup event's
    // sources from the ceremony; the elections `open` transition appends the setup event through it.
    casting = createCastingModule({
      db,
      keyEncryptionKey: kek,
      isEligible: (electionId, userId) => elections!.isEligible(electionId, userId),
      bindCredential: ceremony.bindCredential,
      setup: ceremony.setupSources,
      metrics,
      policy: identity.auth.policy,
      onMetricsError: (err) => logger.warn({ err }, 'board metrics could not be read'),
    });
    const openBoard = casting.openBoard;
    elections.setOpenBoard(async (electionId, tx) => {
      await openBoard(electionId, tx);
    });
    // Tally and results: the board through casting's functions, T_0 and the trustee roster from the
    // ceremony, the lifecycle and the result-published mail from elections; exports read its results.
    const tally = createTallyModule({
      db,
      audit,
      logger,
      elections: elections.service,
      board: tallyBoard(db),
      trustees: ceremony.ceremony,
      notifier: elections,
      // A closed election's verification is batch work: every core (casting keeps one for HTTP).
      verifyThreads: availableParallelism(),
    });
    elections.setResultsSource(tally.service);
    // end-ballots is appended inside the open → closed transaction (officer or scheduler).
    elections.setCloseBoard((electionId, tx) => tally.service.endBallots(electionId, tx));
    app = await buildApp({
      config,
      db,
      logger,
      metrics,
      version,
      auth: identity.auth,
      access,
      elections,
      ceremony,
      casting,
      tally,
      testRoutes: options.testRoutes,
      readinessGates: options.readinessGates,
      operations: settings,
      webRoot: hasWebApp(defaultWebRoot()) ? defaultWebRoot() : undefined,
    });
    // `serve --demo` (ELECTRA_DEMO, refused in production by the config): the demo accounts and an
    // open demo election, made through the API in process on first start (demo/demo-election.ts).
    if (config.demo) {
      const { seedDemo } = await import('./demo/demo-election.js');
      await seedDemo({
        app,
        db,
        auth: identity.auth,
        audit,
        dataDir: config.dataDir,
        publicUrl: config.publicUrl,
        production: config.production,
        print: options.demoPrint ?? ((line) => process.stdout.write(`${line}\n`)),
      });
    }
    await app.listen({ port: config.port, host: config.host });
    // Automatic open/close and election mail; every replica runs it, one acts per election.
    elections.scheduler.start();
    if (config.metricsPort !== undefined) {
      metricsApp = await buildMetricsApp({ config, logger, metrics });
      await metricsApp.listen({ port: config.metricsPort, host: config.host });
    }
  } catch (err) {
    settings.stop();
    await elections?.scheduler.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await casting?.close().catch(() => undefined);
    await identity?.close().catch(() => undefined);
    await db.close().catch((e: unknown) => logger.error({ err: e }, 'closing the database failed'));
    throw err;
  }

  const mainApp = app;
  const url = baseUrl(mainApp, config.host);
  const metricsUrl = metricsApp ? baseUrl(metricsApp, config.host) : undefined;
  logger.info({ url, metricsUrl, database: db.kind, target: db.target }, `Electra listening on ${url}`);

  let closing: Promise<number> | undefined;
  const close = (reason = 'close'): Promise<number> => {
    closing ??= shutdown(reason);
    return closing;
  };

  async function shutdown(reason: string): Promise<number> {
    const started = Date.now();
    mainApp.lifecycle.beginShutdown();
    logger.info(
      {
        reason,
        inFlight: mainApp.lifecycle.inFlight(),
        graceMs: config.shutdownGraceMs,
        delayMs: config.shutdownDelayMs,
      },
      'shutdown started: readiness now answers 503',
    );
    if (config.shutdownDelayMs > 0) await sleep(config.shutdownDelayMs);

    let code = 0;
    const closed = mainApp.close();
    const remaining = Math.max(0, config.shutdownGraceMs - (Date.now() - started));
    if (!(await within(closed, remaining))) {
      code = 1;
      logger.error(
        { inFlight: mainApp.lifecycle.inFlight(), graceMs: config.shutdownGraceMs },
        'shutdown grace period expired with requests still running; closing their connections',
      );
      mainApp.server.closeAllConnections();
      await within(closed, 1000);
    }
    if (metricsApp) await within(metricsApp.close(), 1000);
    await casting
      ?.close()
      .catch((err: unknown) => logger.warn({ err }, 'stopping the ballot verifiers failed'));
    await elections?.scheduler
      .stop()
      .catch((err: unknown) => logger.warn({ err }, 'stopping the election scheduler failed'));
    settings.stop();
    await identity
      ?.close()
      .catch((err: unknown) => logger.warn({ err }, 'closing mail/redis connections failed'));
    try {
      await db.close();
    } catch (err) {
      code = 1;
      logger.error({ err }, 'closing the database failed');
    }
    logger.info({ exitCode: code, durationMs: Date.now() - started }, 'shutdown complete');
    return code;
  }

  if (options.handleSignals !== false)
    installProcessHandlers(close, logger, options.exit ?? ((c) => process.exit(c)));

  return { app: mainApp, config, db, logger, caches, url, metricsUrl, close };
}

function installProcessHandlers(
  close: (reason: string) => Promise<number>,
  logger: Logger,
  exit: (code: number) => void,
): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn({ signal }, 'second signal received: exiting immediately');
      exit(1);
      return;
    }
    signalled = true;
    void close(signal).then(exit, (err: unknown) => {
      logger.fatal({ err }, 'shutdown failed');
      exit(1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // A bug escaped every handler: log it, try a bounded graceful close (the embedded PostgreSQL must
  // not be left behind), exit 1.
  let fatalSeen = false;
  const fatal = (err: unknown, what: string): void => {
    logger.fatal({ err }, `${what}: exiting`);
    if (fatalSeen) return;
    fatalSeen = true;
    void within(close(what), 5000).finally(() => exit(1));
  };
  process.on('uncaughtException', (err) => fatal(err, 'uncaught exception'));
  process.on('unhandledRejection', (err) => fatal(err, 'unhandled promise rejection'));
}

/** `node --import tsx src/main.ts` (or dist/main.js): run the server from the environment. */
async function runFromCommandLine(): Promise<void> {
  try {
    await startServer();
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`Electra failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  }
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) void runFromCommandLine();

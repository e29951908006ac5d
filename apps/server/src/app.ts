/**
 * buildApp(deps): the Fastify application with every cross-cutting concern wired once — request ids,
 * security headers, body limit, validated requests and responses, one error envelope, rate-limited
 * 404s, metrics, health and OpenAPI. It takes all its collaborators as arguments (no process.env, no
 * globals) so main.ts and the tests build exactly the same app. It does not listen: main.ts does.
 */
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { Config } from './config/schema.js';
import type { AuthModule } from './domain/auth/auth-module.js';
import type { CastingModule } from './domain/casting/casting-module.js';
import type { CeremonyModule } from './domain/ceremony/ceremony-module.js';
import type { ElectionsModule } from './domain/elections/elections-module.js';
import { type OperationsState, STATIC_OPERATIONS_STATE } from './domain/operations/settings-watcher.js';
import type { TallyModule } from './domain/tally/tally-module.js';
import type { AccessModule } from './domain/user-admin/access-module.js';
import { registerAccess } from './http/access.routes.js';
import type { AppError } from './http/app-error.js';
import { registerIdentity } from './http/auth.routes.js';
import { registerCasting } from './http/ballots.routes.js';
import { registerCeremony } from './http/ceremony.routes.js';
import { registerElectionRoutes } from './http/elections.routes.js';
import { registerElectionReportRoutes } from './http/elections-reports.routes.js';
import { handleError } from './http/error-handler.js';
import { appError } from './http/error-mapper.js';
import { registerHealthRoutes } from './http/health.routes.js';
import { registerRequestHooks } from './http/hooks.js';
import { registerMaintenance } from './http/maintenance.routes.js';
import { registerMetricsRoute } from './http/metrics.routes.js';
import { registerOpenApi, registerOpenApiRoute } from './http/openapi.routes.js';
import { requestIdFor } from './http/request-id.js';
import { errorResponseSchema } from './http/schemas.js';
import { registerTallyRoutes } from './http/tally.routes.js';
import { registerTestOnlyRoutes } from './http/test-only.routes.js';
import { buildValidator } from './http/validator-compiler.js';
import { registerWebApp } from './http/web.routes.js';
import { HealthMonitor, type ReadinessGate } from './observability/health.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import { type PolicyContext, policyContext } from './policies/policy-context.js';
import { installRoutePolicy } from './policies/route-policy.js';
import type { Database } from './store/database.js';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  version: string;
  /** Milliseconds since the epoch (uptime, later: time-dependent rules). Default Date.now. */
  clock?: () => number;
  /** Extra readiness conditions (e.g. maintenance mode) besides shutdown, database and migrations. */
  readinessGates?: readonly ReadinessGate[];
  /** Registers test-only routes (a slow request for shutdown tests). Refused in production. */
  testRoutes?: boolean;
  /**
   * Maintenance mode and the last-backup time, as read from the database by the settings watcher
   * (domain/operations/settings-watcher.ts). Default: maintenance always off, no backup known.
   */
  operations?: OperationsState;
  /** Timeout of each health/readiness check. Default 2000 ms. */
  healthCheckTimeoutMs?: number;
  /**
   * Identity (domain/auth/auth-module.ts): when given, the authentication hook sets `request.actor`
   * from Bearer tokens and the /api/auth/*, JWKS and MFA-reset routes are registered.
   */
  auth?: AuthModule;
  /**
   * Access control (domain/user-admin/access-module.ts): the audit log, account administration and
   * voter-roll import routes. Needs `auth` (the actor comes from its authentication hook).
   */
  access?: AccessModule;
  /**
   * Tally and results (domain/tally/tally-module.ts): start the tally, trustees' partial decryptions,
   * verification, publication, results. Needs `auth` (the actor comes from its authentication hook).
   */
  tally?: TallyModule;
  /**
   * Casting and the public board (domain/casting/casting-module.ts): ballots, Benaloh audits, receipt
   * keys, board pages, tracker lookups and the streamed record. Needs `auth` for the voter routes.
   */
  casting?: CastingModule;
  /**
   * Trustee ceremony and credentials (domain/ceremony/ceremony-module.ts): trustees, the relayed
   * key ceremony with T_0, public credentials. Needs `auth` (the actor comes from its hook).
   */
  ceremony?: CeremonyModule;
  /**
   * Elections (domain/elections/elections-module.ts): drafting, voter list, lifecycle transitions,
   * public view, the voter's list, turnout and exports. Needs `auth` (the actor comes from its hook).
   */
  elections?: ElectionsModule;
  /**
   * Folder of the built browser app (apps/web/dist; http/web.routes.ts): served at `/` with its
   * client-side routes when given. main.ts passes it when the build exists.
   */
  webRoot?: string;
}

/** Process-level state main.ts drives and probes read. */
export interface AppLifecycle {
  readonly health: HealthMonitor;
  /** Readiness answers 503 from now on. */
  beginShutdown(): void;
  readonly shuttingDown: boolean;
  /** Requests received on the listening server and not yet finished. */
  inFlight(): number;
}

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: AppLifecycle;
  }
}

/**
 * Content-Security-Policy for a JSON API and a same-origin web app whose crypto runs as WASM in a
 * worker. Images alone may come from any https: origin: candidate photos are URLs in the election's
 * presentation, hosted wherever the officer chose (an image cannot run code; no Referer is sent).
 * Scripts, styles, workers and connections stay same-origin.
 */
function contentSecurityPolicy(production: boolean) {
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'https:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      workerSrc: ["'self'"],
      manifestSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      ...(production ? { upgradeInsecureRequests: [] } : {}),
    },
  };
}

/** Fastify's typings lack the hop-count form; a count n means "trust the n nearest hops". */
function trustProxyOption(
  value: Config['trustProxy'],
): boolean | string[] | ((addr: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_addr, hop) => hop < value : value;
}

/**
 * The one policy context of the app (policies/policy-context.ts): the identity module's, built from
 * ELECTRA_MFA_REQUIRED_ROLES. Modules whose services check permissions must carry that very object,
 * so a route and the service behind it can never disagree about which roles need MFA.
 */
function appPolicyContext(deps: AppDeps): PolicyContext {
  const { config } = deps;
  const policy = deps.auth?.policy ?? policyContext(config);
  const configured = [...config.mfaRequiredRoles].sort().join(',');
  if ([...policy.mfaRequiredRoles].sort().join(',') !== configured)
    throw new Error('the identity module was built with other MFA-required roles than the configuration');
  const modules = { access: deps.access, casting: deps.casting, ceremony: deps.ceremony };
  for (const [name, module] of Object.entries(modules)) {
    if (module && module.policy !== policy)
      throw new Error(`the ${name} module was built with another policy context than the identity module`);
  }
  return policy;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, logger, metrics } = deps;
  if (deps.testRoutes && config.production)
    throw new Error('test-only routes cannot be enabled in production');

  const app = Fastify({
    loggerInstance: logger,
    // Fastify's own request lines are off: hooks.ts writes one shaped line per request.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: requestIdFor,
    schemaController: { compilersFactory: { buildValidator } },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: trustProxyOption(config.trustProxy),
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    forceCloseConnections: 'idle',
    // During a drain, requests on still-open keep-alive connections are served (with
    // Connection: close) instead of getting a bare 503 in another error format.
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
  }) as unknown as FastifyInstance;
  app.server.headersTimeout = config.headersTimeoutMs;

  let inFlight = 0;
  app.server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });

  const health = new HealthMonitor({
    db: deps.db,
    version: deps.version,
    clock: deps.clock,
    logger,
    timeoutMs: deps.healthCheckTimeoutMs,
    gates: deps.readinessGates,
  });
  const operations = deps.operations ?? STATIC_OPERATIONS_STATE;
  if (config.maintenanceReadiness === 'unready') {
    health.addGate({
      name: 'maintenance',
      check: () =>
        operations.maintenance().enabled ? { ok: false, reason: 'maintenance mode' } : { ok: true },
    });
  }
  metrics.setBackupSource(() => operations.backupLastSuccessSeconds());
  app.decorate('lifecycle', {
    health,
    beginShutdown: () => health.beginShutdown(),
    get shuttingDown() {
      return health.shuttingDown;
    },
    inFlight: () => inFlight,
  } satisfies AppLifecycle);

  // A JSON API: only application/json bodies (text/plain would bypass the JSON parser's checks).
  app.removeContentTypeParser('text/plain');
  app.addSchema(errorResponseSchema);
  app.setErrorHandler(handleError);
  app.addHook('onRoute', (route) => {
    if (!route.schema?.response) {
      throw new Error(
        `route ${route.method} ${route.url} has no response schema (every route must declare one)`,
      );
    }
  });
  // Every route names its policy (config.policy) or the app does not build; enforced against
  // request.actor before validation (policies/route-policy.ts).
  const policy = appPolicyContext(deps);
  installRoutePolicy(app, {
    policy,
    makeError: (status, code, message) =>
      appError(code, message, {
        headers: status === 401 ? { 'www-authenticate': 'Bearer realm="electra"' } : {},
      }),
  });

  registerRequestHooks(app, { metrics, shuttingDown: () => health.shuttingDown });
  await app.register(helmet, {
    contentSecurityPolicy: contentSecurityPolicy(config.production),
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    hsts: config.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  // Only routes that opt in are limited (today: unknown routes); health probes never are.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      appError('RATE_LIMITED', `Too many requests; retry in ${ctx.after}`, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(ctx.ttl / 1000))) },
      }),
  });
  await registerOpenApi(app, { version: deps.version });

  // Unknown routes are answered in onRequest, before any body is read or parsed (a scanner's
  // malformed or huge body must not turn a 404 into a 400/413 or cost parsing), and rate-limited
  // per client. Registered after helmet so the answer still carries the security headers.
  const notFoundLimiter = app.rateLimit({ max: config.rateLimitNotFoundPerMin, timeWindow: 60_000 });
  const notFound = (request: FastifyRequest): AppError => {
    const path = request.url.split('?')[0] ?? '';
    return appError('NOT_FOUND', `No route for ${request.method} ${path.slice(0, 100)}`);
  };
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    await notFoundLimiter.call(app, request, reply);
    throw notFound(request);
  });
  app.setNotFoundHandler(async (request) => {
    throw notFound(request);
  });

  // Maintenance mode answers 503 before tokens are verified or bodies read (health and metrics exempt).
  registerMaintenance(app, { state: operations });
  // Identity first: its onRequest hook turns Bearer tokens into request.actor for every route.
  if (deps.auth) registerIdentity(app, deps.auth);
  if (deps.access) registerAccess(app, deps.access);
  if (deps.tally) registerTallyRoutes(app, deps.tally, policy);
  if (deps.casting) registerCasting(app, deps.casting);
  if (deps.ceremony) registerCeremony(app, deps.ceremony, policy);
  if (deps.elections) {
    registerElectionRoutes(app, deps.elections, policy);
    registerElectionReportRoutes(app, deps.elections, policy);
  }
  registerHealthRoutes(app, { health });
  if (config.metricsPort === undefined) registerMetricsRoute(app, { metrics, token: config.metricsToken });
  registerOpenApiRoute(app);
  if (deps.testRoutes) registerTestOnlyRoutes(app);
  if (deps.webRoot) await registerWebApp(app, { root: deps.webRoot });
  // Not readied here: callers (tests) may add routes; listen() or ready() finishes the boot.
  return app;
}

/**
 * The listener for METRICS_PORT: only `/metrics` (token-protected when METRICS_TOKEN is set) and the
 * error envelope. Kept apart from the API so the port can stay off the public ingress.
 */
export async function buildMetricsApp(
  deps: Pick<AppDeps, 'config' | 'logger' | 'metrics'>,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ listener: 'metrics' }),
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: requestIdFor,
    connectionTimeout: deps.config.connectionTimeoutMs,
    keepAliveTimeout: deps.config.keepAliveTimeoutMs,
    requestTimeout: deps.config.requestTimeoutMs,
    forceCloseConnections: true,
    frameworkErrors: (error, request, reply) => handleError(error, request, reply),
  }) as unknown as FastifyInstance;
  app.addSchema(errorResponseSchema);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(async () => {
    throw appError('NOT_FOUND', 'Only /metrics is served on this port');
  });
  registerMetricsRoute(app, { metrics: deps.metrics, token: deps.config.metricsToken });
  return app;
}

/**
 * Builds the real application (buildApp) for `app.inject` tests, with a captured logger, its own
 * metrics registry and, unless given one, the in-memory FakeDatabase. `env` goes through the real
 * config loader, so tests exercise the same parsing as production.
 */
import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import type { Database } from '../../src/store/database.js';
import { type CapturedLogger, captureLogger } from './capture-logger.js';
import { FakeDatabase } from './fake-database.js';

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  log: CapturedLogger;
  metrics: Metrics;
}

export async function buildTestApp(
  options: {
    env?: Record<string, string>;
    db?: Database;
    setup?: (app: FastifyInstance) => void;
  } & Partial<
    Pick<AppDeps, 'clock' | 'readinessGates' | 'testRoutes' | 'healthCheckTimeoutMs' | 'operations'>
  > = {},
): Promise<TestApp> {
  const { env, db = new FakeDatabase(), setup, ...rest } = options;
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const log = captureLogger('debug');
  const metrics = createMetrics({ version: '9.9.9', poolStats: () => db.poolStats(), defaultMetrics: false });
  const app = await buildApp({ config, db, logger: log.logger, metrics, version: '9.9.9', ...rest });
  setup?.(app);
  await app.ready();
  return { app, db, log, metrics };
}

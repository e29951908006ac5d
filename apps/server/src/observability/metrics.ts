/**
 * Prometheus metrics for one server instance (ARCHITECTURE §7: every metric an alert rule uses must
 * exist). Each instance owns its own Registry rather than prom-client's global one, so tests can build
 * many apps in one process. Label values are bounded: `route` is the route template (or `unmatched`),
 * never the raw URL, so a scanner cannot explode the series count.
 *
 * `http_request_duration_seconds` carries the same labels as the counter, status included, so latency
 * of failures (fast 4xx, slow 5xx) can be told apart from successes; the cardinality stays
 * routes × methods × statuses seen, which is small.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats } from '../store/database.js';

export const UNMATCHED_ROUTE = 'unmatched';

export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type HttpLabels = 'method' | 'route' | 'status';

export interface Metrics {
  readonly registry: Registry;
  readonly httpRequestsTotal: Counter<HttpLabels>;
  readonly httpRequestDuration: Histogram<HttpLabels>;
  /** Record one finished request. */
  observeRequest(method: string, route: string, status: number, durationSeconds: number): void;
  /** Prometheus text exposition of everything registered. */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  version: string;
  /** Source of the DB pool gauges, read at scrape time. */
  poolStats?: () => PoolStats;
  /** Process and Node.js metrics (CPU, memory, GC, event-loop lag). Default true. */
  defaultMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();

  const httpRequestsTotal = new Counter<HttpLabels>({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const httpRequestDuration = new Histogram<HttpLabels>({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_DURATION_BUCKETS,
    registers: [registry],
  });

  new Gauge({
    name: 'electra_build_info',
    help: 'Always 1; labels identify the running build.',
    labelNames: ['version', 'node'],
    registers: [registry],
  }).set({ version: options.version, node: process.version }, 1);

  const { poolStats } = options;
  if (poolStats) {
    new Gauge({
      name: 'electra_db_pool_connections',
      help: 'Database pool connections: total open, idle, and clients waiting for one.',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const s = poolStats();
        this.set({ state: 'total' }, s.total);
        this.set({ state: 'idle' }, s.idle);
        this.set({ state: 'waiting' }, s.waiting);
      },
    });
    new Gauge({
      name: 'electra_db_pool_max',
      help: 'Configured maximum size of the database pool.',
      registers: [registry],
      collect() {
        this.set(poolStats().max);
      },
    });
  }

  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  }

  return {
    registry,
    httpRequestsTotal,
    httpRequestDuration,
    observeRequest(method, route, status, durationSeconds) {
      const labels = { method, route, status: String(status) };
      httpRequestsTotal.inc(labels);
      httpRequestDuration.observe(labels, durationSeconds);
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

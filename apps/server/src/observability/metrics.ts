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
  /** Ballots over HTTP (issue 5): accepted, duplicate resubmissions, rejections by error code. */
  readonly ballotsTotal: Counter<'outcome' | 'reason'>;
  /** Wall time of one ballot verification in the worker pool, queueing included. */
  readonly ballotVerificationSeconds: Histogram<never>;
  /** Wall time of each named database statement (pool checkout excluded), by statement name. */
  readonly dbStatementSeconds: Histogram<'statement'>;
  /** Where the board gauges read their values at scrape time (set by the casting module). */
  setBoardSource(source: BoardMetricsSource): void;
  /** Where the turnout gauge reads every open election's counts at scrape time (elections module). */
  setTurnoutSource(source: TurnoutMetricsSource): void;
  /**
   * Where `electra_backup_last_success_timestamp_seconds` reads its value at scrape time (the
   * settings watcher: the time `electra db:backup` recorded in the database); 0 until set.
   */
  setBackupSource(source: () => number): void;
  /** Prometheus text exposition of everything registered. */
  render(): Promise<string>;
  readonly contentType: string;
}

/** One election's board, as the board gauges export it. */
export interface BoardMetricsSample {
  readonly election: string;
  /** Number of events on the board. */
  readonly height: number;
  /** The latest checkpoint height (a multiple of BOARD_CHECKPOINT_INTERVAL) and its event hash, hex. */
  readonly checkpointHeight: number;
  readonly checkpointHead: string;
}
export type BoardMetricsSource = () => Promise<readonly BoardMetricsSample[]>;

/** One open election's roll and participation, as the turnout gauge exports it. */
export interface TurnoutMetricsSample {
  readonly election: string;
  readonly eligible: number;
  readonly voted: number;
}
export type TurnoutMetricsSource = () => Promise<readonly TurnoutMetricsSample[]>;

/**
 * A scrape-time reader: concurrent and back-to-back scrapes within a second share one database read.
 */
function sharedForOneSecond<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= read().finally(() => {
      setTimeout(() => {
        pending = undefined;
      }, 1000).unref();
    });
    return pending;
  };
}

/** Board heads are compared across replicas at heights that are multiples of this (BoardHeadMismatch). */
export const BOARD_CHECKPOINT_INTERVAL = 100;

export const DB_STATEMENT_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.5, 2.5];

export const BALLOT_VERIFICATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

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

  const ballotsTotal = new Counter<'outcome' | 'reason'>({
    name: 'electra_ballots_total',
    help: 'Ballots submitted over HTTP, by outcome (accepted, rejected, duplicate) and reason (error code or "none").',
    labelNames: ['outcome', 'reason'],
    registers: [registry],
  });
  ballotsTotal.inc({ outcome: 'accepted', reason: 'none' }, 0);
  const ballotVerificationSeconds = new Histogram({
    name: 'electra_ballot_verification_seconds',
    help: 'Time to verify one submitted ballot in the worker pool, queueing included.',
    buckets: BALLOT_VERIFICATION_BUCKETS,
    registers: [registry],
  });
  // Statement names are fixed strings in the code (never SQL or parameters), so the series are bounded.
  const dbStatementSeconds = new Histogram<'statement'>({
    name: 'electra_db_statement_seconds',
    help: 'Wall time of each database statement, by the name the code gives it (pool checkout excluded).',
    labelNames: ['statement'],
    buckets: DB_STATEMENT_BUCKETS,
    registers: [registry],
  });
  let boardSource: BoardMetricsSource | undefined;
  // Both board gauges are filled from one database read per scrape.
  const readBoards = sharedForOneSecond(() => (boardSource ? boardSource() : Promise.resolve([])));
  let turnoutSource: TurnoutMetricsSource | undefined;
  const readTurnout = sharedForOneSecond(() => (turnoutSource ? turnoutSource() : Promise.resolve([])));
  new Gauge({
    name: 'electra_board_height',
    help: 'Number of events on the public board of each election.',
    labelNames: ['election'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const b of await readBoards()) this.set({ election: b.election }, b.height);
    },
  });
  new Gauge({
    name: 'electra_board_head_info',
    help: `Always 1; labels give the hash (hex) of the board event at the latest height that is a multiple of ${BOARD_CHECKPOINT_INTERVAL}, read from the database (replicas must agree).`,
    labelNames: ['election', 'height', 'head'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const b of await readBoards()) {
        this.set({ election: b.election, height: String(b.checkpointHeight), head: b.checkpointHead }, 1);
      }
    },
  });

  new Gauge({
    name: 'electra_election_turnout_ratio',
    help: 'Eligible voters of each open election who have cast a counted ballot, as a fraction of its eligible voters (0 when none are eligible); read from the database.',
    labelNames: ['election'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const t of await readTurnout()) {
        this.set({ election: t.election }, t.eligible === 0 ? 0 : t.voted / t.eligible);
      }
    },
  });

  let backupSource: (() => number) | undefined;
  new Gauge({
    name: 'electra_backup_last_success_timestamp_seconds',
    help: 'Unix time of the last successful electra db:backup (recorded in the database, so every replica exports it); 0 when none ever succeeded.',
    registers: [registry],
    collect() {
      this.set(backupSource?.() ?? 0);
    },
  });

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
    ballotsTotal,
    ballotVerificationSeconds,
    dbStatementSeconds,
    setBoardSource(source) {
      boardSource = source;
    },
    setTurnoutSource(source) {
      turnoutSource = source;
    },
    setBackupSource(source) {
      backupSource = source;
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

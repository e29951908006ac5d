/**
 * Health and readiness, separated the way Kubernetes probes need them (ARCHITECTURE §7):
 * - health: a full report for humans and `curl -f` (database round trip, migration status);
 * - liveness: the process answers (never touches the database, so a DB outage does not restart pods);
 * - readiness: a list of gates (shutdown, database, migrations, and later maintenance) that must all
 *   pass before a load balancer may send traffic here.
 * Every check has a timeout so a hung pool cannot hang the probe. Failure details exposed publicly are
 * short (an error code), the full error is logged.
 */
import type { Database } from '../store/database.js';
import type { MinimalLogger } from './logger.js';

export type CheckState = 'ok' | 'error';

export interface DatabaseCheck {
  status: CheckState;
  latencyMs: number | null;
  error?: string;
}

export interface MigrationsCheck {
  status: CheckState;
  current: number | null;
  expected: number | null;
  error?: string;
}

export interface HealthReport {
  status: CheckState;
  version: string;
  uptimeSeconds: number;
  checks: { database: DatabaseCheck; migrations: MigrationsCheck };
}

export type GateResult = { ok: true } | { ok: false; reason: string };

/** One condition for readiness. Later features (maintenance mode) add their own gate. */
export interface ReadinessGate {
  readonly name: string;
  check(): GateResult | Promise<GateResult>;
}

export interface ReadinessReport {
  status: CheckState;
  checks: Record<string, { status: CheckState; error?: string }>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

class CheckTimeout extends Error {}

async function withTimeout<T>(work: () => Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeout(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Short public description of a failure: the error code, never host names or SQL. */
function publicReason(err: unknown): string {
  if (err instanceof CheckTimeout) return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? `unreachable (${code})` : 'unreachable';
}

export interface HealthMonitorOptions {
  db: Pick<Database, 'ping' | 'migrationStatus'>;
  version: string;
  /** Milliseconds since the epoch; injected so tests control uptime. */
  clock?: () => number;
  timeoutMs?: number;
  logger?: MinimalLogger;
  gates?: readonly ReadinessGate[];
}

export class HealthMonitor {
  private readonly startedAt: number;
  private readonly clock: () => number;
  private readonly timeoutMs: number;
  private readonly gates: ReadinessGate[];
  private shutdownStarted = false;

  constructor(private readonly opts: HealthMonitorOptions) {
    this.clock = opts.clock ?? Date.now;
    this.startedAt = this.clock();
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    this.gates = [
      {
        name: 'shutdown',
        check: () => (this.shutdownStarted ? { ok: false, reason: 'shutting down' } : { ok: true }),
      },
      {
        name: 'database',
        check: async () => {
          const c = await this.checkDatabase();
          return c.status === 'ok' ? { ok: true } : { ok: false, reason: c.error ?? 'error' };
        },
      },
      {
        name: 'migrations',
        check: async () => {
          const c = await this.checkMigrations();
          return c.status === 'ok' ? { ok: true } : { ok: false, reason: c.error ?? 'error' };
        },
      },
      ...(opts.gates ?? []),
    ];
  }

  /** Readiness turns 503 from now on; called first thing on SIGTERM. */
  beginShutdown(): void {
    this.shutdownStarted = true;
  }

  get shuttingDown(): boolean {
    return this.shutdownStarted;
  }

  addGate(gate: ReadinessGate): void {
    if (this.gates.some((g) => g.name === gate.name))
      throw new Error(`readiness gate ${gate.name} already exists`);
    this.gates.push(gate);
  }

  uptimeSeconds(): number {
    return Math.max(0, Math.floor((this.clock() - this.startedAt) / 1000));
  }

  async checkDatabase(): Promise<DatabaseCheck> {
    try {
      const { latencyMs } = await withTimeout(() => this.opts.db.ping(), this.timeoutMs);
      return { status: 'ok', latencyMs: Math.round(latencyMs * 100) / 100 };
    } catch (err) {
      this.opts.logger?.warn({ err, check: 'database' }, 'health check failed: database');
      return { status: 'error', latencyMs: null, error: publicReason(err) };
    }
  }

  /**
   * Migrations are current when the database has at least the migrations this build ships. A database
   * ahead of the code is fine: during a rolling deployment new pods migrate forward while old pods,
   * whose migrations are a prefix of the new ones, keep serving.
   */
  async checkMigrations(): Promise<MigrationsCheck> {
    try {
      const s = await withTimeout(() => this.opts.db.migrationStatus(), this.timeoutMs);
      if (s.current >= s.expected) return { status: 'ok', current: s.current, expected: s.expected };
      const pending = s.expected - s.current;
      return {
        status: 'error',
        current: s.current,
        expected: s.expected,
        error: `${pending} pending migration${pending === 1 ? '' : 's'}`,
      };
    } catch (err) {
      this.opts.logger?.warn({ err, check: 'migrations' }, 'health check failed: migrations');
      return { status: 'error', current: null, expected: null, error: publicReason(err) };
    }
  }

  async health(): Promise<HealthReport> {
    const [database, migrations] = await Promise.all([this.checkDatabase(), this.checkMigrations()]);
    return {
      status: database.status === 'ok' && migrations.status === 'ok' ? 'ok' : 'error',
      version: this.opts.version,
      uptimeSeconds: this.uptimeSeconds(),
      checks: { database, migrations },
    };
  }

  /** Evaluates every gate (in parallel); a gate that throws counts as failed. */
  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.gates.map(async (g): Promise<[string, GateResult]> => {
        try {
          return [g.name, await withTimeout(async () => g.check(), this.timeoutMs)];
        } catch (err) {
          this.opts.logger?.warn({ err, gate: g.name }, 'readiness gate failed');
          return [g.name, { ok: false, reason: publicReason(err) }];
        }
      }),
    );
    const checks: ReadinessReport['checks'] = {};
    for (const [name, r] of results)
      checks[name] = r.ok ? { status: 'ok' } : { status: 'error', error: r.reason };
    return { status: results.every(([, r]) => r.ok) ? 'ok' : 'error', checks };
  }
}

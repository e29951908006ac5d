/**
 * An in-memory stand-in for the Database contract, for HTTP tests that need to control what the
 * database reports (down, slow, migrations behind) without running PostgreSQL. It runs no SQL:
 * `query` answers only `SELECT 1`. Integration tests use the real database (test-database.ts).
 */
import type { Database, MigrationStatus, PoolStats, Queryable } from '../../src/store/database.js';

export class FakeDatabase implements Database {
  readonly kind = 'embedded' as const;
  /** When set, ping/query/migrationStatus reject with it. */
  failure: (Error & { code?: string }) | undefined;
  /** Delay before each ping answers (to test health timeouts). */
  pingDelayMs = 0;
  migrations: MigrationStatus = { current: 3, expected: 3, pending: [] };
  pool: PoolStats = { total: 2, idle: 1, waiting: 0, max: 10 };
  closed = false;

  async query<R extends Record<string, unknown>>(
    name: string,
    sql: string,
  ): Promise<{ rows: R[]; rowCount: number }> {
    this.throwIfDown();
    if (/^\s*select 1\s*$/i.test(sql)) return { rows: [{ '?column?': 1 } as unknown as R], rowCount: 1 };
    throw new Error(`FakeDatabase cannot run ${name}`);
  }

  async transaction<T>(_name: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.throwIfDown();
    return fn(this);
  }

  async ping(): Promise<{ latencyMs: number }> {
    if (this.pingDelayMs > 0) await new Promise((r) => setTimeout(r, this.pingDelayMs));
    this.throwIfDown();
    return { latencyMs: 0.42 };
  }

  async migrationStatus(): Promise<MigrationStatus> {
    this.throwIfDown();
    return this.migrations;
  }

  poolStats(): PoolStats {
    return this.pool;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private throwIfDown(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('FakeDatabase is closed');
  }
}

/** An error shaped like pg's when the server refuses connections. */
export function connectionRefused(): Error & { code: string } {
  return Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });
}

/**
 * The storage contract the rest of the server depends on. Implemented by `pg-database.ts` (a pg Pool
 * against DATABASE_URL, or against the embedded PostgreSQL that `embedded.ts` starts).
 * Domain code uses repositories built on `Queryable`, never `pg` directly.
 */

/** Something that runs parameterised SQL: the pool, or one transaction's client. */
export interface Queryable {
  /**
   * Run one statement. `name` identifies the statement in logs and slow-query warnings
   * (e.g. 'ballots.insert'); it is not a prepared-statement name.
   */
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    name: string,
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export interface MigrationStatus {
  /** Highest applied migration number (0 when none). */
  current: number;
  /** Highest migration number shipped with this build. */
  expected: number;
  pending: string[];
}

export interface Database extends Queryable {
  /** Run `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on throw). Serialization failures are retried. */
  transaction<T>(name: string, fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** SELECT 1 round trip; throws if unreachable. */
  ping(): Promise<{ latencyMs: number }>;
  migrationStatus(): Promise<MigrationStatus>;
  poolStats(): PoolStats;
  /** Close the pool (and stop the embedded server if this process started it). */
  close(): Promise<void>;
  /** 'embedded' when Electra runs its own PostgreSQL, 'external' with DATABASE_URL. */
  readonly kind: 'embedded' | 'external';
}

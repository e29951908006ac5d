/**
 * `Database` over a `pg` pool: against DATABASE_URL when given, otherwise against the embedded
 * PostgreSQL that this process starts (or attaches to). Every statement carries a name so slow
 * queries are logged as `slow query` with that name and the duration, never with the parameters
 * (they may hold ballots or personal data). Transactions are retried when PostgreSQL asks for it
 * (serialization failure 40001, deadlock 40P01) and when the connection was lost before COMMIT was
 * sent (the server then rolled back, so running the function again cannot apply it twice); a
 * connection lost during COMMIT has an unknown outcome and is reported, never retried.
 *
 * Statements run as server-side prepared statements (parsed and planned once per connection) when
 * their name always comes with the same SQL text; a name seen with two texts (dynamic SQL) and
 * anything past the first MAX_PREPARED names run unprepared. A prepared statement whose result type
 * a migration changed ("cached plan must not change result type", from another replica's
 * migration) is dropped from the cache and the statement or transaction run again unprepared.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Database, MigrationStatus, PoolStats, Queryable } from './database.js';
import { acquireEmbeddedPostgres, type EmbeddedCluster } from './embedded.js';
import {
  applyMigrations,
  loadMigrations,
  type MigrateResult,
  type MigrationFile,
  readMigrationStatus,
} from './migrate.js';
import { isCachedPlanError, isConnectionError, isRetryableTransactionError, redactUrl } from './pg-errors.js';
import type { StoreLogger } from './store-logger.js';

export interface OpenDatabaseOptions {
  /** External PostgreSQL (DATABASE_URL). Without it the embedded server in `<dataDir>/pg` is used. */
  url?: string;
  /** Electra's data directory (ELECTRA_DATA_DIR); only the embedded server uses it. */
  dataDir: string;
  /** Pool size (connections). */
  poolMax: number;
  /** Statements slower than this are logged as `slow query` (WARN). */
  slowQueryMs: number;
  logger: StoreLogger;
  /** Apply pending migrations (under the advisory lock) before returning. */
  migrateOnStart: boolean;
  /** Embedded server port; 0/undefined picks a free one. */
  embeddedPort?: number;
  /** How long to wait for a connection (connect or pool checkout); default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity; default 'electra'. */
  applicationName?: string;
  /** Where the migration files are; default: next to migrate.ts (src or dist). For tests. */
  migrationsDir?: string;
  /** Called after every named statement with its wall time (the per-statement metric). */
  onStatement?: (name: string, seconds: number) => void;
  /** Prepare statements on each connection (default true); off behind a pooler that cannot keep them. */
  preparedStatements?: boolean;
  /**
   * Throw when code inside a transaction takes a second pooled connection: with every connection
   * held by such transactions the pool deadlocks. For tests (every test database sets it): the
   * tracking uses AsyncLocalStorage, whose promise hooks would tax every request in production.
   */
  strictNesting?: boolean;
}

/**
 * The transaction the current async context runs inside, if any; `open` turns false when it ends
 * (work started inside it may go on afterwards, then legitimately with connections of its own).
 */
const insideTransaction = new AsyncLocalStorage<{ readonly name: string; open: boolean }>();

/** Distinct statement names prepared at most (each connection keeps a plan per name it ran). */
export const MAX_PREPARED = 500;

/**
 * Which statements run prepared: a name is prepared under a short id (PostgreSQL truncates names
 * to 63 bytes) as long as it is only ever used with one SQL text.
 */
class PreparedStatements {
  private readonly ids = new Map<string, { sql: string; id: string } | null>();

  constructor(private readonly enabled: boolean) {}

  config(name: string, sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
    const values = params as unknown[] | undefined;
    if (!this.enabled) return { text: sql, values };
    let entry = this.ids.get(name);
    if (entry === undefined && this.ids.size < MAX_PREPARED) {
      entry = { sql, id: `electra_${this.ids.size + 1}` };
      this.ids.set(name, entry);
    } else if (entry && entry.sql !== sql) {
      entry = null;
      this.ids.set(name, null);
    }
    return entry ? { name: entry.id, text: sql, values } : { text: sql, values };
  }

  /** Never prepare `name` again (its cached plan went stale). */
  forget(name: string): void {
    this.ids.set(name, null);
  }

  preparedCount(): number {
    return [...this.ids.values()].filter((e) => e !== null).length;
  }
}

/** The Database contract plus what the composition root and the CLI need on top of it. */
export interface SqlDatabase extends Database {
  /** Apply pending migrations under the advisory lock (what `electra migrate` runs). */
  migrate(): Promise<MigrateResult>;
  /** The connection target with the password masked, for messages. */
  readonly target: string;
  /** Statement names currently run prepared (for tests and diagnostics). */
  preparedStatementCount(): number;
}

const MAX_TX_ATTEMPTS = 5;

export async function openDatabase(options: OpenDatabaseOptions): Promise<SqlDatabase> {
  let cluster: EmbeddedCluster | undefined;
  let url = options.url;
  if (!url) {
    cluster = await acquireEmbeddedPostgres({
      dataDir: options.dataDir,
      port: options.embeddedPort,
      logger: options.logger,
    });
    url = cluster.url();
  }
  const db = new PgDatabase(url, options, cluster);
  if (options.migrateOnStart) {
    try {
      await db.migrate();
    } catch (e) {
      await db.close();
      throw e;
    }
  }
  return db;
}

class PgDatabase implements SqlDatabase {
  readonly kind: 'embedded' | 'external';
  readonly target: string;
  private readonly pool: pg.Pool;
  private readonly log: StoreLogger;
  private readonly slowMs: number;
  private readonly prepared: PreparedStatements;
  private shipped?: Promise<MigrationFile[]>;
  private closing?: Promise<void>;

  constructor(
    url: string,
    private readonly options: OpenDatabaseOptions,
    private readonly cluster: EmbeddedCluster | undefined,
  ) {
    this.kind = cluster ? 'embedded' : 'external';
    this.target = redactUrl(url);
    this.log = options.logger;
    this.slowMs = options.slowQueryMs;
    this.prepared = new PreparedStatements(options.preparedStatements ?? true);
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: options.applicationName ?? 'electra',
    });
    // An idle connection dropped by the server (restart, pg_terminate_backend) must not crash us.
    this.pool.on('error', (err) => {
      this.log.warn(
        { err: err.message, code: (err as { code?: string }).code },
        'idle database connection lost',
      );
    });
    // ...and this one the checked-out clients: their next query then fails with a connection error,
    // which the retry rules above understand, instead of an uncaught 'error' event.
    this.pool.on('connect', (client) => {
      client.on('error', (err) => {
        this.log.warn(
          { err: err.message, code: (err as { code?: string }).code },
          'database connection lost',
        );
      });
    });
  }

  query<R extends Record<string, unknown> = Record<string, unknown>>(
    name: string,
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }> {
    return this.autocommit<R>(name, sql, params, true);
  }

  private async autocommit<R extends Record<string, unknown>>(
    name: string,
    sql: string,
    params: readonly unknown[] | undefined,
    retry: boolean,
  ): Promise<{ rows: R[]; rowCount: number }> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.checkout(retry);
      try {
        const res = await this.timed(name, () => client.query<R>(this.prepared.config(name, sql, params)));
        client.release();
        return { rows: res.rows, rowCount: res.rowCount ?? 0 };
      } catch (e) {
        client.release(isConnectionError(e) ? (e as Error) : undefined);
        if (isCachedPlanError(e)) this.prepared.forget(name);
        // A single autocommit statement that failed with 40001/40P01 was rolled back as a whole.
        if (
          (retry && isRetryableTransactionError(e) && attempt < MAX_TX_ATTEMPTS) ||
          (isCachedPlanError(e) && attempt === 1)
        ) {
          await backoff(attempt);
          continue;
        }
        throw e;
      }
    }
  }

  async transaction<T>(name: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.checkout(true);
      let finished = false;
      let committing = false;
      const tx: Queryable = {
        query: async <R extends Record<string, unknown>>(
          stmt: string,
          sql: string,
          params?: readonly unknown[],
        ) => {
          if (finished) throw new Error(`transaction ${name} is finished; statement ${stmt} was not run`);
          try {
            const res = await this.timed(stmt, () =>
              client.query<R>(this.prepared.config(stmt, sql, params)),
            );
            return { rows: res.rows, rowCount: res.rowCount ?? 0 };
          } catch (e) {
            if (isCachedPlanError(e)) this.prepared.forget(stmt);
            throw e;
          }
        },
      };
      try {
        await client.query('BEGIN');
        const result = this.options.strictNesting ? await this.tracked(name, () => fn(tx)) : await fn(tx);
        committing = true;
        await this.timed(`${name}.commit`, () => client.query('COMMIT'));
        finished = true;
        client.release();
        return result;
      } catch (e) {
        finished = true;
        const broken = isConnectionError(e);
        let rolledBack = broken;
        if (!broken)
          rolledBack = await client.query('ROLLBACK').then(
            () => true,
            () => false,
          );
        client.release(broken || !rolledBack ? (e as Error) : undefined);
        // A stale prepared plan was forgotten above: the whole transaction runs again without it.
        const retryable = isRetryableTransactionError(e) || isCachedPlanError(e) || (broken && !committing);
        if (retryable && attempt < MAX_TX_ATTEMPTS) {
          this.log.debug(
            { transaction: name, attempt, code: (e as { code?: string }).code },
            'transaction retried',
          );
          await backoff(attempt);
          continue;
        }
        if (broken && committing) {
          throw new Error(`transaction ${name}: connection lost during COMMIT; the outcome is unknown`, {
            cause: e,
          });
        }
        throw e;
      }
    }
  }

  async ping(): Promise<{ latencyMs: number }> {
    const started = performance.now();
    await this.autocommit('db.ping', 'SELECT 1', undefined, false);
    return { latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  }

  async migrationStatus(): Promise<MigrationStatus> {
    const shipped = await this.shippedMigrations();
    return readMigrationStatus(
      async (sql) => (await this.autocommit('migrations.status', sql, undefined, false)).rows,
      shipped,
    );
  }

  async migrate(): Promise<MigrateResult> {
    const shipped = await this.shippedMigrations();
    const client = await this.checkout(true);
    try {
      const result = await applyMigrations(client, shipped, this.log);
      client.release(true); // session settings and locks go with the connection
      return result;
    } catch (e) {
      client.release(true);
      throw e;
    }
  }

  /** Statement names currently run prepared (for tests and diagnostics). */
  preparedStatementCount(): number {
    return this.prepared.preparedCount();
  }

  poolStats(): PoolStats {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
      max: this.options.poolMax,
    };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.pool.end();
      } finally {
        await this.cluster?.release();
      }
    })();
    return this.closing;
  }

  private shippedMigrations(): Promise<MigrationFile[]> {
    this.shipped ??= loadMigrations(this.options.migrationsDir);
    this.shipped.catch(() => {
      this.shipped = undefined;
    });
    return this.shipped;
  }

  /** Run a transaction's function with its scope known to `checkout` (strictNesting). */
  private async tracked<T>(name: string, run: () => Promise<T>): Promise<T> {
    const scope = { name, open: true };
    try {
      return await insideTransaction.run(scope, run);
    } finally {
      scope.open = false;
    }
  }

  /** Pool checkout; nothing has been sent yet, so one retry after a connection error is always safe. */
  private async checkout(retry: boolean): Promise<pg.PoolClient> {
    const outer = this.options.strictNesting ? insideTransaction.getStore() : undefined;
    if (outer?.open) {
      throw new Error(`a second database connection was taken inside transaction ${outer.name}: use its tx`);
    }
    try {
      return await this.pool.connect();
    } catch (e) {
      if (!retry || !isConnectionError(e) || this.closing) throw e;
      await sleep(100);
      return this.pool.connect();
    }
  }

  private async timed<T>(name: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const elapsed = performance.now() - started;
      this.options.onStatement?.(name, elapsed / 1000);
      const durationMs = Math.round(elapsed * 10) / 10;
      if (durationMs > this.slowMs) this.log.warn({ statement: name, durationMs }, `slow query: ${name}`);
    }
  }
}

function backoff(attempt: number): Promise<void> {
  const base = Math.min(200, 10 * 2 ** attempt);
  return sleep(base / 2 + Math.random() * base);
}

/**
 * What backup-service.ts (create) and restore-service.ts share: short-lived connections by URL (the
 * backup tools need URLs, not the pool), atomic file writes, the schema version of a database and the
 * Database contract over one client (for the audit repository).
 */

import { randomBytes } from 'node:crypto';
import { open, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import pg from 'pg';

export const q = pg.escapeIdentifier;

export function timestampName(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'electra-backup' });
  await client.connect();
  return client;
}

export async function schemaVersionOf(client: pg.ClientBase): Promise<number> {
  const t = await client.query<{ ok: boolean }>(
    "SELECT to_regclass('public.schema_migrations') IS NOT NULL AS ok",
  );
  if (!t.rows[0]?.ok) return 0;
  const { rows } = await client.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM schema_migrations',
  );
  return rows[0]?.v ?? 0;
}

export async function fsyncPath(path: string, flags = 'r'): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `text` to `path` atomically (temporary name, fsync, rename). */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
  await writeFile(tmp, text, { mode: 0o600 });
  await fsyncPath(tmp);
  await rename(tmp, path);
}

/** The Database contract over one client (enough for AuditRepository.append). */
export function clientDatabase(client: pg.ClientBase) {
  const query = async <R extends Record<string, unknown>>(
    _n: string,
    sql: string,
    params?: readonly unknown[],
  ) => {
    const r = await client.query<R>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  };
  return {
    kind: 'external' as const,
    query,
    async transaction<T>(_name: string, fn: (tx: { query: typeof query }) => Promise<T>): Promise<T> {
      await client.query('BEGIN');
      try {
        const r = await fn({ query });
        await client.query('COMMIT');
        return r;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    },
    ping: async () => ({ latencyMs: 0 }),
    migrationStatus: async () => ({ current: 0, expected: 0, pending: [] }),
    poolStats: () => ({ total: 1, idle: 0, waiting: 0, max: 1 }),
    close: async () => undefined,
  };
}

export async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}

export async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await connect(url);
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

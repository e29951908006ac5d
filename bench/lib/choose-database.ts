/**
 * Which PostgreSQL the benchmarks run on: TEST_DATABASE_URL, else the local server when it answers
 * (then exported as TEST_DATABASE_URL for the test-database helper), else the embedded one.
 * Resolves to a description for the benchmark's header line.
 */
import pg from 'pg';

export async function chooseDatabaseServer(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return 'TEST_DATABASE_URL';
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  const c = new pg.Client({ connectionString: local, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    process.env.TEST_DATABASE_URL = local;
    return local;
  } catch {
    return 'embedded PostgreSQL';
  }
}

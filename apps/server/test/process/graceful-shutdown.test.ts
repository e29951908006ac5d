/**
 * Starts the server as a real child process and stops it with signals, as Kubernetes does:
 * - SIGTERM mid-request: readiness answers 503 at once, new connections are refused after the drain
 *   delay, the in-flight request still completes with 200, the database (embedded PostgreSQL when
 *   TEST_DATABASE_URL is unset) is closed, exit code 0;
 * - a request outliving SHUTDOWN_GRACE_MS: exit code 1;
 * - a second signal: immediate exit 1.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = join(here, 'fixtures/serve-with-test-routes.ts');

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** GET on a fresh connection (no agent, no keep-alive reuse). */
function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

interface Server {
  child: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

async function startChild(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--conditions=electra-source', '--import', 'tsx', fixture], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s\n${stderr}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      buffer += c.toString();
      let nl = buffer.indexOf('\n');
      while (nl !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          lines.push(parsed);
          if (typeof parsed.url === 'string' && String(parsed.msg).startsWith('Electra listening')) {
            clearTimeout(timer);
            resolve(parsed.url);
          }
        } catch {
          // not JSON: ignore
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening\n${stderr}`));
    });
  });
  return { child, url, lines, exited };
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const r = await get(`${url}/api/health/ready`).catch(() => undefined);
    if (r?.status === 200) return;
    await sleep(100);
  }
  throw new Error('server never became ready');
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Database env for a child: a fresh database when TEST_DATABASE_URL is set, else the child's own embedded one. */
async function databaseEnv(ownEmbedded: boolean): Promise<{ env: Record<string, string>; dataDir?: string }> {
  if (ownEmbedded && !process.env.TEST_DATABASE_URL) {
    const dataDir = mkdtempSync(join(tmpdir(), 'electra-shutdown-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    return { env: { ELECTRA_DATA_DIR: dataDir }, dataDir };
  }
  const tdb: TestDatabase = await createTestDatabase();
  cleanups.push(() => tdb.drop());
  return { env: { DATABASE_URL: tdb.url } };
}

describe('graceful shutdown of the real server process', () => {
  test('SIGTERM mid-request: readiness 503, new connections refused, request completes, exit 0', async () => {
    const { env, dataDir } = await databaseEnv(true);
    const server = await startChild({ ...env, SHUTDOWN_DELAY_MS: '1000', SHUTDOWN_GRACE_MS: '10000' });
    cleanups.push(() => void server.child.kill('SIGKILL'));
    await waitReady(server.url);

    const slow = get(`${server.url}/api/_test/slow?ms=2500`);
    await sleep(300); // the slow request is now in flight
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await sleep(150);

    // During the drain delay: still accepting, but readiness says 503 so the load balancer moves away.
    const ready = await get(`${server.url}/api/health/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(JSON.parse(ready.body).checks.shutdown, { status: 'error', error: 'shutting down' });
    assert.equal(ready.headers.connection, 'close');
    assert.equal((await get(`${server.url}/api/health/live`)).status, 200);

    // After the delay the listener is closed: new connections are refused.
    await sleep(Math.max(0, signalledAt + 1400 - Date.now()));
    await assert.rejects(
      get(`${server.url}/api/health/live`),
      (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
    );

    const done = await slow;
    assert.equal(done.status, 200);
    assert.deepEqual(JSON.parse(done.body), { sleptMs: 2500 });

    assert.equal(await server.exited, 0);
    const messages = server.lines.map((l) => l.msg);
    assert.ok(messages.includes('shutdown started: readiness now answers 503'));
    const complete = server.lines.find((l) => l.msg === 'shutdown complete');
    assert.equal(complete?.exitCode, 0);
    const slowLine = server.lines.find((l) => l.route === '/api/_test/slow');
    assert.equal(slowLine?.status, 200);
    if (dataDir) {
      // The embedded PostgreSQL this process started was stopped with it.
      assert.equal(existsSync(join(dataDir, 'pg', 'postmaster.pid')), false);
    }
  });

  test('a request outliving SHUTDOWN_GRACE_MS: its connection is cut and the exit code is 1', async () => {
    const { env } = await databaseEnv(false);
    const server = await startChild({ ...env, SHUTDOWN_GRACE_MS: '800' });
    cleanups.push(() => void server.child.kill('SIGKILL'));
    await waitReady(server.url);
    const slow = get(`${server.url}/api/_test/slow?ms=5000`);
    await sleep(300);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await assert.rejects(slow, /socket hang up|ECONNRESET/);
    assert.equal(await server.exited, 1);
    assert.ok(Date.now() - signalledAt < 4000, 'exited soon after the grace period');
    assert.ok(server.lines.some((l) => String(l.msg).startsWith('shutdown grace period expired')));
  });

  test('a second signal exits at once with code 1', async () => {
    const { env } = await databaseEnv(false);
    const server = await startChild({ ...env, SHUTDOWN_GRACE_MS: '20000' });
    cleanups.push(() => void server.child.kill('SIGKILL'));
    await waitReady(server.url);
    const slow = get(`${server.url}/api/_test/slow?ms=10000`).catch((e: Error) => e);
    await sleep(300);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await sleep(300);
    server.child.kill('SIGINT');
    assert.equal(await server.exited, 1);
    assert.ok(Date.now() - signalledAt < 3000);
    assert.ok(server.lines.some((l) => String(l.msg).startsWith('second signal received')));
    assert.ok((await slow) instanceof Error);
  });
});

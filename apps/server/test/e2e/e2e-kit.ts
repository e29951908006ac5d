/**
 * The people of an election over real HTTP, for the end-to-end test and `bench/election.bench.ts`:
 * a server started with `startServer` (PORT=0) on a fresh database, the first admin created as
 * `electra admin:create` does, accounts made through the users API, passwords set through the
 * emailed reset code (read from the mail outbox, as `electra mail:outbox` shows it), officers
 * signing in with a TOTP authenticator enrolled over the API (codes computed with otplib), and a
 * bounded-concurrency map so hundreds of voters run in parallel without flooding 2 cores.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PedersenTrusteeSecrets, systemRandom } from '@electra/core';
import { authenticator } from 'otplib';
import { loadConfig } from '../../src/config/load-config.js';
import { ApiError, expectOk, fetchTransport, type Transport } from '../../src/demo/api-client.js';
import { login, resetCodeInMail, runKeyCeremony } from '../../src/demo/election-client.js';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import { createAuthFromConfig } from '../../src/domain/auth/auth-setup.js';
import { listOutbox } from '../../src/domain/mail/mailer.js';
import { createAdminAccount } from '../../src/domain/user-admin/bootstrap.js';
import { type ServerHandle, startServer } from '../../src/main.js';
import type { Database } from '../../src/store/database.js';
import { silentLogger } from '../../src/store/store-logger.js';
import { electraCommand, electraProcess } from '../helpers/electra-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

export const E2E_KEK = 'ZTJlLXRlc3Qta2V5LWVuY3J5cHRpb24ta2V5LTMyYiE=';
export const PASSWORD = 'correct horse battery staple 2026';

/** What the helpers below need: the API over HTTP and the database behind it. */
export interface E2eClient {
  tdb: TestDatabase;
  api: Transport;
  db: Database;
  close(): Promise<void>;
}

/** A server started in this process. */
export interface E2eServer extends E2eClient {
  server: ServerHandle;
}

/** A started server (real socket) on a fresh database; the auth rate limits are lifted for the crowd. */
export async function startE2eServer(env: Record<string, string> = {}): Promise<E2eServer> {
  const tdb = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'electra-e2e-'));
  const server = await startServer({
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: tdb.url,
      ELECTRA_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DB_POOL_MAX: '10',
      ELECTRA_KEY_ENCRYPTION_KEY: E2E_KEK,
      ELECTRA_AUTH_RATE_LIMIT_PER_MIN: '1000000',
      ELECTRA_ELECTION_SCHEDULER_MS: '3600000',
      ...env,
    },
    handleSignals: false,
  });
  return {
    server,
    tdb,
    api: fetchTransport(server.url),
    db: tdb.db,
    close: async () => {
      await server.close();
      await tdb.drop();
    },
  };
}

/** `electra serve` in its own process, restartable on the same database. */
export interface E2eProcess extends E2eClient {
  /** The running server process's pid. */
  readonly pid: number | undefined;
  /**
   * SIGKILL the server — no drain, no shutdown, requests in flight cut — then start a new one on the
   * same database; `api` then reaches the new one.
   */
  crashAndRestart(): Promise<void>;
}

/**
 * `electra serve` as its own process, as deployed (its own event loop; from the production build by
 * default, which needs `npm run build` first, or from the sources with `built: false`), on a fresh
 * database; resolves once it logs where it listens.
 */
export async function startE2eServerProcess(
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
  o: { built?: boolean } = {},
): Promise<E2eProcess> {
  const tdb = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'electra-e2e-'));
  const spawnServe = async () => {
    const child = spawn(process.execPath, [...nodeArgs, ...electraCommand(o.built ?? true), 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: tdb.url,
        ELECTRA_DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        DB_POOL_MAX: '10',
        ELECTRA_KEY_ENCRYPTION_KEY: E2E_KEK,
        ELECTRA_AUTH_RATE_LIMIT_PER_MIN: '1000000',
        ELECTRA_ELECTION_SCHEDULER_MS: '3600000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (c: Buffer) => {
        buffered += c.toString();
        for (const line of buffered.split('\n')) {
          const m = /"url":"(http:\/\/[^"]+)".*Electra listening/.exec(line);
          if (m) resolve(m[1]!);
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      });
      child.on('exit', (code) =>
        reject(new Error(`electra serve exited ${code} before listening: ${stderr}`)),
      );
    });
    child.stdout.resume();
    return { child, transport: fetchTransport(url) };
  };
  let current = await spawnServe();
  const stop = async (signal: NodeJS.Signals) => {
    const { child } = current;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };
  return {
    tdb,
    api: (request) => current.transport(request),
    db: tdb.db,
    get pid() {
      return current.child.pid;
    },
    async crashAndRestart() {
      await stop('SIGKILL');
      current = await spawnServe();
    },
    close: async () => {
      await stop('SIGTERM');
      await tdb.drop();
    },
  };
}

/** The first admin, exactly as `electra admin:create` makes it (password policy, argon2id, audited). */
export async function bootstrapAdmin(s: E2eClient, email: string): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: s.tdb.url,
    ELECTRA_KEY_ENCRYPTION_KEY: E2E_KEK,
  });
  const audit = new AuditRepository(s.db);
  const { auth, close } = createAuthFromConfig({
    config,
    db: s.db,
    audit,
    logger: silentLogger as never,
    connectRedis: false,
  });
  try {
    const r = await createAdminAccount(
      { db: s.db, users: auth.users, hasher: auth.hasher, audit },
      { email, fullName: 'E2E Admin', password: PASSWORD },
    );
    if (!r.ok) throw new Error(`admin:create: ${r.code} ${r.message}`);
  } finally {
    await close();
  }
}

/** Polls the outbox for the newest mail to `to` whose subject contains `subject`. */
export async function waitForMail(
  db: Database,
  to: string,
  subject: string,
  o: { timeoutMs?: number; containing?: string } = {},
): Promise<string> {
  const deadline = Date.now() + (o.timeoutMs ?? 20_000);
  for (;;) {
    const mails = await listOutbox(db, { to, limit: 20 });
    const hit = mails.find(
      (m) => m.subject.includes(subject) && (o.containing === undefined || m.text.includes(o.containing)),
    );
    if (hit) return hit.text;
    if (Date.now() > deadline) throw new Error(`no "${subject}" mail to ${to}`);
    await sleep(50);
  }
}

export interface Session {
  token: string;
  refreshToken: string;
}

/** Forgot → the emailed code → reset: the account now has `password`. */
export async function setPasswordByReset(s: E2eClient, email: string, password = PASSWORD): Promise<void> {
  await expectOk(s.api, { method: 'POST', path: '/api/auth/password/forgot', body: { email } }, [202]);
  const code = resetCodeInMail(await waitForMail(s.db, email, 'eset'));
  if (!code) throw new Error(`no reset code in the mail to ${email}`);
  await expectOk(s.api, {
    method: 'POST',
    path: '/api/auth/password/reset',
    body: { email, code, newPassword: password },
  });
}

/** Sign in; a role that needs MFA enrols a TOTP authenticator over the API (otplib computes the codes). */
export async function signIn(s: E2eClient, email: string, password = PASSWORD): Promise<Session> {
  const r = await login(s.api, email, password);
  if (r.accessToken)
    return { token: r.accessToken, refreshToken: (r as { refreshToken: string }).refreshToken };
  if (r.status !== 'mfa_enrollment_required' || !r.enrollmentToken)
    throw new Error(`sign-in of ${email}: unexpected ${JSON.stringify(r)}`);
  const enrol = await expectOk(s.api, {
    method: 'POST',
    path: '/api/auth/mfa/enroll',
    token: r.enrollmentToken,
  });
  const secret = enrol.body.secret as string;
  const confirm = await expectOk(s.api, {
    method: 'POST',
    path: '/api/auth/mfa/confirm',
    token: r.enrollmentToken,
    body: { code: authenticator.generate(secret) },
  });
  if (!Array.isArray(confirm.body.recoveryCodes) || !confirm.body.accessToken)
    throw new Error(`MFA confirmation of ${email}: ${confirm.text}`);
  return { token: confirm.body.accessToken, refreshToken: confirm.body.refreshToken };
}

/** A fresh access token from the refresh token (long elections outlive the access token). */
export async function refreshed(s: E2eClient, session: Session): Promise<Session> {
  const r = await expectOk(s.api, {
    method: 'POST',
    path: '/api/auth/refresh',
    body: { refreshToken: session.refreshToken },
  });
  return { token: r.body.accessToken, refreshToken: r.body.refreshToken };
}

/** POST /api/users (officer or admin): an account without password; returns its id. */
export async function createAccount(
  s: E2eClient,
  token: string,
  input: { email: string; fullName: string; roles: string[] },
): Promise<string> {
  const r = await expectOk(s.api, { method: 'POST', path: '/api/users', token, body: input }, [201]);
  return r.body.id as string;
}

/** An account created by `adminToken`, its password set by reset, signed in. */
export async function person(
  s: E2eClient,
  adminToken: string,
  email: string,
  roles: string[],
): Promise<Session & { userId: string; email: string }> {
  const userId = await createAccount(s, adminToken, { email, fullName: email.split('@')[0]!, roles });
  await setPasswordByReset(s, email);
  return { ...(await signIn(s, email)), userId, email };
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The current version of an election (transitions are optimistic). */
export async function electionVersion(s: E2eClient, token: string, id: string): Promise<number> {
  return (await expectOk(s.api, { path: `/api/elections/${id}`, token })).body.version as number;
}

export async function transition(s: E2eClient, token: string, id: string, to: string): Promise<void> {
  const version = await electionVersion(s, token, id);
  await expectOk(s.api, {
    method: 'POST',
    path: `/api/elections/${id}/transitions`,
    token,
    body: { to, version },
  });
}

export { ApiError };

/** `electra verify <file>` as a child process (the CLI a third party runs on a downloaded record). */
export function electraVerify(args: string[], o: { built?: boolean } = {}) {
  return electraProcess(['verify', ...args], o);
}

/** A timed step of a scripted election (the benchmark prints each; tests just run them). */
export type Stage = <T>(name: string, fn: () => Promise<T>, kind?: 'election' | 'onboarding') => Promise<T>;

export interface ReferenceElection {
  readonly officer: Session & { userId: string; email: string };
  readonly trustees: readonly (Session & { userId: string; email: string })[];
  readonly electionId: string;
  /** Trustee j's finalized secrets at position j − 1 (what each keeps in its key file). */
  readonly secrets: readonly PedersenTrusteeSecrets[];
  /** The voters' emails; each has the kit's PASSWORD and a credential in the outbox. */
  readonly voters: readonly string[];
}

/**
 * The reference election (question 1: exactly 1 of 3, blank allowed; question 2: 0 to 2 of 5), set
 * up over the API as people do it: an admin and an officer, 3 trustees (t = 2) running the ceremony,
 * `voters` voters imported from CSV with managed credentials mailed, each choosing a password through
 * the reset mail, and the election opened. Used by the whole-election benchmark and the end-to-end
 * tests that need an open election with many voters.
 */
export async function openReferenceElection(
  s: E2eClient,
  o: {
    voters: number;
    revotePolicy: 'forbidden' | 'last-counts';
    concurrency?: number;
    domain?: string;
    stage?: Stage;
  },
): Promise<ReferenceElection> {
  const stage: Stage = o.stage ?? ((_name, fn) => fn());
  const domain = o.domain ?? 'e2e.example';
  const voters = Array.from({ length: o.voters }, (_, i) => `voter${i}@${domain}`);
  const { officer, trustees, electionId } = await stage('accounts, roll import (CSV), draft', async () => {
    await bootstrapAdmin(s, `admin@${domain}`);
    const admin = await signIn(s, `admin@${domain}`);
    const officer = await person(s, admin.token, `officer@${domain}`, ['officer']);
    const trustees = [];
    for (let j = 1; j <= 3; j++)
      trustees.push(await person(s, admin.token, `trustee${j}@${domain}`, ['voter']));
    const csv = ['email,name,groups', ...voters.map((e, i) => `${e},Voter ${i},cohort=reference`)].join('\n');
    await expectOk(s.api, {
      method: 'POST',
      path: '/api/roll/import',
      token: officer.token,
      body: csv,
      contentType: 'text/csv',
    });
    const answers = (ids: string[]) => ids.map((id) => ({ id, label: id }));
    const created = await expectOk(s.api, {
      method: 'POST',
      path: '/api/elections',
      token: officer.token,
      body: {
        title: 'Reference election',
        revotePolicy: o.revotePolicy,
        credentialMode: 'managed',
        eligibility: { kind: 'groups', groups: { cohort: ['reference'] } },
        questions: [
          { id: 'q1', title: 'Q1', min: 1, max: 1, blankAllowed: true, answers: answers(['a', 'b', 'c']) },
          {
            id: 'q2',
            title: 'Q2',
            min: 0,
            max: 2,
            blankAllowed: false,
            answers: answers(['a', 'b', 'c', 'd', 'e']),
          },
        ],
      },
    });
    return { officer, trustees, electionId: created.body.id as string };
  });
  const secrets = await stage('key ceremony (3 trustees, t = 2, with T_0)', () =>
    runKeyCeremony(s.api, {
      electionId,
      officerToken: officer.token,
      trustees: trustees.map((t, i) => ({ userId: t.userId, token: t.token, name: `Trustee ${i + 1}` })),
      threshold: 2,
      random: systemRandom,
    }),
  );
  await stage(`managed credentials mailed (${o.voters})`, async () => {
    for (;;) {
      const { rows } = await s.db.query<{ n: string }>(
        'e2e.credential_mails',
        "SELECT count(*) AS n FROM mail_outbox WHERE subject LIKE 'Your voting credential%'",
      );
      if (Number(rows[0]!.n) >= o.voters) return;
      await sleep(100);
    }
  });
  // Voters choose their passwords when they are invited, well before election day (the identity
  // service's work, two argon2id hashes each).
  await stage(
    'voter onboarding: password by reset mail',
    () => mapBounded(voters, o.concurrency ?? 16, (email) => setPasswordByReset(s, email)),
    'onboarding',
  );
  await stage('open (setup event on the board)', () => transition(s, officer.token, electionId, 'open'));
  return { officer, trustees, electionId, secrets, voters };
}

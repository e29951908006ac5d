/**
 * The real Electra server for the browser tests: buildApp with the identity, elections and casting
 * modules on a fresh test database, serving the freshly built web app (apps/web/dist), listening on
 * 127.0.0.1. Open elections are made like the server's casting tests do (apps/server/test/casting/
 * casting-kit.ts): a simulated key ceremony, managed credentials bound to voter accounts, the board
 * opened with `openBoard`. Voters get a real password so the browser signs in through the UI.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ElectionParams,
  electionFingerprint,
  electionParamsToJSON,
  generateCredentials,
  initCore,
  type Manifest,
  manifestHash,
  Point,
  simulateCeremony,
  systemRandom,
} from '@electra/core';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../scripts/browser-test/chromium.mjs';
import { buildApp } from '../../server/src/app.js';
import { loadConfig } from '../../server/src/config/load-config.js';
import { AuditRepository } from '../../server/src/domain/audit/audit.repository.js';
import {
  type AuthModule,
  authRateLimits,
  createAuthModule,
} from '../../server/src/domain/auth/auth-module.js';
import { type CastingModule, createCastingModule } from '../../server/src/domain/casting/casting-module.js';
import { createElectionsModule } from '../../server/src/domain/elections/elections-module.js';
import { createOutboxMailer } from '../../server/src/domain/mail/mailer.js';
import { MAINTENANCE_OFF, type MaintenanceState } from '../../server/src/domain/operations/maintenance.js';
import { createMetrics } from '../../server/src/observability/metrics.js';
import type { Queryable } from '../../server/src/store/database.js';
import { TEST_KEK } from '../../server/test/auth/auth-test-kit.js';
import { bindCredential } from '../../server/test/casting/casting-kit.js';
import { captureLogger } from '../../server/test/helpers/capture-logger.js';
import { createTestDatabase, type TestDatabase } from '../../server/test/helpers/test-database.js';

const here = dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = resolve(here, '../dist');
export const PASSWORD = 'correct horse battery staple';
export { launchChromium };

export const QUESTIONS: Manifest['questions'] = [
  {
    id: 'president',
    title: 'President',
    answers: [
      { id: 'ada', label: 'Ada Lovelace' },
      { id: 'grace', label: 'Grace Hopper' },
      { id: 'edsger', label: 'Edsger Dijkstra' },
    ],
    min: 1,
    max: 1,
    blankAllowed: true,
  },
  {
    id: 'council',
    title: 'Student council',
    answers: Array.from({ length: 8 }, (_, i) => ({
      id: `c${i}`,
      label: `Candidate ${String.fromCharCode(65 + i)}`,
    })),
    min: 0,
    max: 2,
    blankAllowed: false,
  },
];

export interface WebVoter {
  email: string;
  userId: string;
  credential: string;
}

export interface WebElection {
  id: string;
  fingerprint: string;
  voters: WebVoter[];
}

export interface WebKit {
  url: string;
  app: FastifyInstance;
  db: TestDatabase['db'];
  auth: AuthModule;
  casting: CastingModule;
  browser: Browser;
  /**
   * An open election; with `{ opensAt }` it stays `ready` (upcoming) until then; `photos` gives
   * candidates (by answer id) a photo URL.
   */
  openElection(
    voters: number,
    title?: string,
    o?: { opensAt?: string; photos?: Record<string, string> },
  ): Promise<WebElection>;
  /** Switch maintenance mode as `electra maintenance on|off` does (what the settings watcher reports). */
  setMaintenance(message: string | null): void;
  close(): Promise<void>;
}

export function buildWebApp(): void {
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], {
    cwd: resolve(here, '..'),
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('vite build failed');
}

export async function startWebKit(o: { build?: boolean } = {}): Promise<WebKit> {
  if (o.build !== false) buildWebApp();
  await initCore();
  const tdb: TestDatabase = await createTestDatabase({ poolMax: 8 });
  const db = tdb.db;
  const audit = new AuditRepository(db);
  const mailer = createOutboxMailer(db);
  const auth = createAuthModule({
    db,
    audit,
    mailer,
    keyEncryptionKey: TEST_KEK,
    mfaRequiredRoles: ['admin', 'officer'],
    publicUrl: 'http://127.0.0.1',
    cacheTtlMs: 0,
    rateLimits: authRateLimits(100_000),
  });
  const transcripts = new Map<string, unknown>();
  const metrics = createMetrics({ version: '9.9.9', poolStats: () => db.poolStats(), defaultMetrics: false });
  const casting = createCastingModule({
    db,
    policy: auth.policy,
    keyEncryptionKey: TEST_KEK,
    isEligible: async () => true,
    bindCredential,
    setup: {
      frozenCredentials: async (electionId, tx) => {
        const { rows } = await tx.query<{ public_credential: string }>(
          'web.credentials',
          'SELECT public_credential FROM voter_credentials WHERE election_id = $1 ORDER BY public_credential',
          [electionId],
        );
        return rows.map((r) => r.public_credential);
      },
      ceremonyTranscript: async (electionId) => transcripts.get(electionId) as never,
    },
    metrics,
    verifyThreads: 1,
  });
  const elections = createElectionsModule({
    db,
    audit,
    mailer,
    publicUrl: 'http://127.0.0.1',
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    reminderIntervalMs: 0,
    openBoard: async (electionId, tx) => {
      await casting.openBoard(electionId, tx);
    },
  });
  let maintenance: MaintenanceState = MAINTENANCE_OFF;
  const app = await buildApp({
    config: loadConfig({ NODE_ENV: 'test' }),
    operations: { maintenance: () => maintenance, backupLastSuccessSeconds: () => 0 },
    db,
    logger: captureLogger('info').logger,
    metrics,
    version: '9.9.9',
    auth,
    elections,
    casting,
    webRoot: WEB_DIST,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await launchChromium();
  const passwordHash = await auth.hasher.hash(PASSWORD);
  let n = 0;

  async function openElection(
    count: number,
    title = 'Student union election',
    o: { opensAt?: string; photos?: Record<string, string> } = {},
  ): Promise<WebElection> {
    const id = randomUUID();
    const manifest: Manifest = { v: 1, id, title, questions: QUESTIONS };
    const ceremony = simulateCeremony(
      { v: 1, ceremonyId: `${id}-ceremony`, manifestHash: manifestHash(manifest), n: 2, t: 1 },
      systemRandom,
    );
    transcripts.set(id, ceremony.transcript);
    const params: ElectionParams = {
      v: 1,
      manifest,
      publicKey: Point.fromBase64Url(ceremony.key.electionKey),
      credentialMode: 'managed',
    };
    const fingerprint = electionFingerprint(params);
    const presentation = {
      questions: QUESTIONS.map((q) => ({
        id: q.id,
        description:
          q.id === 'president'
            ? 'The president chairs the union for one year.'
            : 'Council members represent every faculty.',
        answerOrder: 'fixed',
        answers: q.answers.map((a) => ({
          id: a.id,
          photoUrl: o.photos?.[a.id] ?? null,
          manifesto: `${a.label} promises a transparent, open union.`,
        })),
      })),
    };
    const closesAt = new Date(Date.now() + 86_400_000).toISOString();
    await db.query(
      'web.election',
      `INSERT INTO elections (id, title, description, manifest, presentation, state, revote_policy, params, fingerprint, closes_at)
       VALUES ($1, $2, 'Annual election of the student union.', $3, $4, 'ready', 'forbidden', $5, $6, $7)`,
      [
        id,
        title,
        JSON.stringify(manifest),
        JSON.stringify(presentation),
        JSON.stringify(electionParamsToJSON(params)),
        fingerprint,
        closesAt,
      ],
    );
    const credentials = generateCredentials(count, id, systemRandom);
    const voters: WebVoter[] = [];
    for (const c of credentials) {
      const email = `voter${n++}@example.edu`;
      const r = await auth.users.create({ email, fullName: `Voter ${n}`, roles: ['voter'], passwordHash });
      if (!r.ok) throw new Error(r.code);
      await db.query(
        'web.credential',
        'INSERT INTO voter_credentials (election_id, public_credential, user_id, bound_at) VALUES ($1, $2, $3, now())',
        [id, c.publicCredential.toBase64Url(), r.user.id],
      );
      voters.push({ email, userId: r.user.id, credential: c.secret });
    }
    if (o.opensAt) {
      await db.query('web.upcoming', 'UPDATE elections SET opens_at = $2 WHERE id = $1', [id, o.opensAt]);
      return { id, fingerprint, voters };
    }
    await db.transaction('web.open', async (tx: Queryable) => {
      await casting.openBoard(id, tx);
      await tx.query(
        'web.open_state',
        "UPDATE elections SET state = 'open', opens_at = now() WHERE id = $1",
        [id],
      );
    });
    return { id, fingerprint, voters };
  }

  return {
    url,
    app,
    db,
    auth,
    casting,
    browser,
    openElection,
    setMaintenance: (message) => {
      maintenance =
        message === null
          ? MAINTENANCE_OFF
          : { enabled: true, message, retryAfterSeconds: 60, since: new Date().toISOString(), by: 'cli' };
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      await app.close();
      await casting.close();
      await tdb.drop();
    },
  };
}

/**
 * Shared setup for the casting and board tests: the real app (buildApp with the identity and casting
 * modules) on a fresh test database, and open elections made directly through SQL and the core —
 * a simulated key ceremony, managed credentials linked to voter accounts, the board opened with
 * `openBoard` — so these tests depend only on the tables of 0004–0006, not on the elections and
 * ceremony services. Eligibility and credential binding are small stand-ins over those tables.
 */
import { randomUUID } from 'node:crypto';
import {
  type BallotJson,
  type BallotOpeningJson,
  ballotToJSON,
  type CredentialKey,
  deriveCredentialKey,
  type ElectionParams,
  electionFingerprint,
  electionParamsToJSON,
  encryptBallot,
  generateCredentials,
  initCore,
  type Manifest,
  manifestHash,
  openBallot,
  Point,
  type RevotePolicy,
  type Selection,
  simulateCeremony,
  systemRandom,
} from '@electra/core';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import { type AuthModule, authRateLimits, createAuthModule } from '../../src/domain/auth/auth-module.js';
import type { BindCredential } from '../../src/domain/casting/casting.service.js';
import { type CastingModule, createCastingModule } from '../../src/domain/casting/casting-module.js';
import { createOutboxMailer } from '../../src/domain/mail/mailer.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import type { Database, Queryable } from '../../src/store/database.js';
import { signedIn } from '../access/access-kit.js';
import { TEST_KEK } from '../auth/auth-test-kit.js';
import { type CapturedLogger, captureLogger } from '../helpers/capture-logger.js';

export const MANIFEST_QUESTIONS: Manifest['questions'] = [
  {
    id: 'president',
    title: 'President',
    answers: [
      { id: 'ada', label: 'Ada' },
      { id: 'grace', label: 'Grace' },
      { id: 'edsger', label: 'Edsger' },
    ],
    min: 1,
    max: 1,
    blankAllowed: true,
  },
  {
    id: 'council',
    title: 'Council',
    answers: [
      { id: 'a', label: 'A' },
      { id: 'b', label: 'B' },
      { id: 'c', label: 'C' },
    ],
    min: 0,
    max: 2,
    blankAllowed: false,
  },
];

export interface Voter {
  userId: string;
  token: string;
  /** The voter's secret credential and its key for this election. */
  key: CredentialKey;
}

export interface TestElection {
  id: string;
  params: ElectionParams;
  fingerprint: string;
  voters: Voter[];
  /** A fresh ballot of `voter` (default choices: Ada, council A). */
  ballot(voter: Voter, choices?: Selection): BallotJson;
  /** A fresh ballot and its opening (for audits). */
  challenged(voter: Voter): { ballot: BallotJson; opening: BallotOpeningJson };
}

export interface CastingApp {
  app: FastifyInstance;
  auth: AuthModule;
  casting: CastingModule;
  metrics: Metrics;
  log: CapturedLogger;
  /** Users the stand-in eligibility rule refuses. */
  ineligible: Set<string>;
  /** Open a new election with `voters` voters (each signed in, with a managed credential). */
  openElection(o: { voters: number; revotePolicy?: RevotePolicy }): Promise<TestElection>;
  close(): Promise<void>;
}

/** Stand-in for the credentials module's bindCredential over voter_credentials (0005). */
export const bindCredential: BindCredential = async (electionId, userId, credential, tx) => {
  const { rows } = await tx.query<{ user_id: string | null }>(
    'test.bind_find',
    'SELECT user_id FROM voter_credentials WHERE election_id = $1 AND public_credential = $2 FOR UPDATE',
    [electionId, credential],
  );
  const row = rows[0];
  if (!row) return { ok: false, code: 'CREDENTIAL_UNKNOWN', message: 'not on the list' };
  if (row.user_id === userId) return { ok: true };
  if (row.user_id !== null)
    return { ok: false, code: 'CREDENTIAL_TAKEN', message: 'another voter’s credential' };
  await tx.query(
    'test.bind',
    'UPDATE voter_credentials SET user_id = $3, bound_at = now() WHERE election_id = $1 AND public_credential = $2',
    [electionId, credential, userId],
  );
  return { ok: true };
};

const transcripts = new Map<string, unknown>();

export async function castingApp(db: Database, o: { verifyThreads?: number } = {}): Promise<CastingApp> {
  await initCore();
  const audit = new AuditRepository(db);
  const auth = createAuthModule({
    db,
    audit,
    mailer: createOutboxMailer(db),
    keyEncryptionKey: TEST_KEK,
    mfaRequiredRoles: ['admin', 'officer'],
    publicUrl: 'http://localhost:8080',
    cacheTtlMs: 0,
    rateLimits: authRateLimits(100_000),
  });
  const ineligible = new Set<string>();
  const metrics = createMetrics({ version: '9.9.9', poolStats: () => db.poolStats(), defaultMetrics: false });
  const casting = createCastingModule({
    db,
    policy: auth.policy,
    keyEncryptionKey: TEST_KEK,
    isEligible: async (_electionId, userId) => !ineligible.has(userId),
    bindCredential,
    setup: {
      frozenCredentials: async (electionId, tx) => {
        const { rows } = await tx.query<{ public_credential: string }>(
          'test.credentials',
          'SELECT public_credential FROM voter_credentials WHERE election_id = $1 ORDER BY public_credential',
          [electionId],
        );
        return rows.map((r) => r.public_credential);
      },
      ceremonyTranscript: async (electionId) => transcripts.get(electionId) as never,
    },
    metrics,
    verifyThreads: o.verifyThreads ?? 2,
  });
  const log = captureLogger('debug');
  const app = await buildApp({
    config: loadConfig({ NODE_ENV: 'test' }),
    db,
    logger: log.logger,
    metrics,
    version: '9.9.9',
    auth,
    casting,
  });
  await app.ready();

  let n = 0;
  async function openElection(e: { voters: number; revotePolicy?: RevotePolicy }): Promise<TestElection> {
    const id = randomUUID();
    const manifest: Manifest = { v: 1, id, title: 'Student union', questions: MANIFEST_QUESTIONS };
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
    await db.query(
      'test.election',
      `INSERT INTO elections (id, title, manifest, state, revote_policy, params, fingerprint)
       VALUES ($1, 'Student union', $2, 'ready', $3, $4, $5)`,
      [
        id,
        JSON.stringify(manifest),
        e.revotePolicy ?? 'forbidden',
        JSON.stringify(electionParamsToJSON(params)),
        fingerprint,
      ],
    );
    const credentials = generateCredentials(e.voters, id, systemRandom);
    const voters: Voter[] = [];
    for (const [i, c] of credentials.entries()) {
      const s = await signedIn(auth, `voter${n++}-${i}-${id.slice(0, 8)}@example.org`, ['voter']);
      await db.query(
        'test.credential',
        'INSERT INTO voter_credentials (election_id, public_credential, user_id, bound_at) VALUES ($1, $2, $3, now())',
        [id, c.publicCredential.toBase64Url(), s.user.id],
      );
      voters.push({ userId: s.user.id, token: s.token, key: deriveCredentialKey(c.secret, id) });
    }
    await db.transaction('test.open', async (tx: Queryable) => {
      await casting.openBoard(id, tx);
      await tx.query('test.open_state', "UPDATE elections SET state = 'open' WHERE id = $1", [id]);
    });
    const make = (
      voter: Voter,
      choices: Selection = [
        [1, 0, 0],
        [1, 0, 0],
      ],
    ) => encryptBallot({ params, credential: voter.key, choices, random: systemRandom });
    return {
      id,
      params,
      fingerprint,
      voters,
      ballot: (voter, choices) => ballotToJSON(make(voter, choices).ballot),
      challenged: (voter) => {
        const { ballot, secrets } = make(voter, [
          [0, 1, 0],
          [0, 1, 1],
        ]);
        return { ballot: ballotToJSON(ballot), opening: openBallot(secrets) };
      },
    };
  }

  return {
    app,
    auth,
    casting,
    metrics,
    log,
    ineligible,
    openElection,
    close: async () => {
      await app.close();
      await casting.close();
    },
  };
}

export async function call(app: FastifyInstance, opts: InjectOptions & { token?: string }) {
  const { token, ...rest } = opts;
  const res = await app.inject({
    ...rest,
    headers: { ...(rest.headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of many shapes, asserted field by field
  let body: any = {};
  try {
    body = res.json();
  } catch {
    // not JSON (the record) or empty
  }
  return { status: res.statusCode, body, headers: res.headers, text: res.body };
}

export const cast = (app: FastifyInstance, electionId: string, voter: Voter, ballot: unknown) =>
  call(app, {
    method: 'POST',
    url: `/api/elections/${electionId}/ballots`,
    payload: ballot as object,
    token: voter.token,
  });

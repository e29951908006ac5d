/**
 * Shared setup for the tally tests: the real app with identity and the tally routes on a fresh test
 * database, the elections, ceremony and board modules of issue 5 behind the tally's ports, and an
 * election brought to `open` the way those modules leave it — trustees named, a completed ceremony
 * (simulated with the core, T_0's secrets sealed with the KEK), the setup event and cast ballots on
 * the board — so each test starts where voting ends and knows the plaintext count to expect.
 */
import { randomUUID } from 'node:crypto';
import {
  ballotToJSON,
  type CeremonyParams,
  createPartialDecryption,
  deriveCredentialKey,
  type ElectionParams,
  electionFingerprint,
  electionFingerprintBytes,
  electionParamsToJSON,
  encryptBallot,
  flattenTally,
  generateCredentials,
  initCore,
  type Manifest,
  manifestHash,
  type PartialDecryption,
  Point,
  parseEncryptedTallyPayload,
  type RevotePolicy,
  type SimulatedCeremony,
  setupPayload,
  simulateCeremony,
  systemRandom,
} from '@electra/core';
import type { FastifyInstance } from 'fastify';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import { type AuthModule, authRateLimits, createAuthModule } from '../../src/domain/auth/auth-module.js';
import { createSecretBox } from '../../src/domain/auth/secret-box.js';
import { appendBoardEvent } from '../../src/domain/board/board.repository.js';
import { ceremonyRepository } from '../../src/domain/ceremony/ceremony.repository.js';
import { type CeremonyModule, createCeremonyModule } from '../../src/domain/ceremony/ceremony-module.js';
import { electionGateway } from '../../src/domain/ceremony/elections-adapter.js';
import { sealServerSecrets } from '../../src/domain/ceremony/server-trustee.js';
import { createElectionsModule, type ElectionsModule } from '../../src/domain/elections/elections-module.js';
import { createOutboxMailer } from '../../src/domain/mail/mailer.js';
import { createTallyModule, type TallyModule, tallyBoard } from '../../src/domain/tally/tally-module.js';
import type { TallyBoardPort } from '../../src/domain/tally/tally-ports.js';
import { registerIdentity } from '../../src/http/auth.routes.js';
import { registerTallyRoutes } from '../../src/http/tally.routes.js';
import type { Role } from '../../src/policies/types.js';
import type { Database } from '../../src/store/database.js';
import { type SignedIn, signedIn } from '../access/access-kit.js';
import { TEST_KEK } from '../auth/auth-test-kit.js';
import type { CapturedLogger } from '../helpers/capture-logger.js';
import { buildTestApp } from '../helpers/test-app.js';

export interface TallyApp {
  app: FastifyInstance;
  db: Database;
  auth: AuthModule;
  tally: TallyModule;
  elections: ElectionsModule;
  ceremony: CeremonyModule;
  board: TallyBoardPort;
  audit: AuditRepository;
  log: CapturedLogger;
  officer: SignedIn;
  auditor: SignedIn;
  voter: SignedIn;
  /** trustees[j - 1] is trustee j. */
  trustees: SignedIn[];
}

/** `mfaRequiredRoles`: ELECTRA_MFA_REQUIRED_ROLES for the identity module and the app (default admin, officer). */
export async function tallyApp(
  db: Database,
  o: { finishWaitMs?: number; mfaRequiredRoles?: Role[] } = {},
): Promise<TallyApp> {
  const { mfaRequiredRoles = ['admin', 'officer'], ...options } = o;
  await initCore();
  const audit = new AuditRepository(db);
  const mailer = createOutboxMailer(db);
  const auth = createAuthModule({
    db,
    audit,
    mailer,
    keyEncryptionKey: TEST_KEK,
    mfaRequiredRoles,
    publicUrl: 'http://localhost:8080',
    cacheTtlMs: 0,
    rateLimits: authRateLimits(10_000),
  });
  const elections = createElectionsModule({
    db,
    audit,
    publicUrl: 'http://localhost:8080',
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  } as Parameters<typeof createElectionsModule>[0]);
  const ceremony = await createCeremonyModule({
    db,
    policy: auth.policy,
    audit,
    mailer,
    elections: electionGateway({
      service: elections.service,
      elections: elections.repository,
      eligibility: elections.eligibility,
    }),
    keyEncryptionKey: TEST_KEK,
    publicUrl: 'http://localhost:8080',
  });
  const board = tallyBoard(db);
  let tally: TallyModule | undefined;
  const { app, log } = await buildTestApp({
    db,
    env: { ELECTRA_MFA_REQUIRED_ROLES: mfaRequiredRoles.join(',') || 'none' },
    setup: (a) => {
      tally = createTallyModule({
        db,
        audit,
        logger: a.log as never,
        elections: elections.service,
        board,
        trustees: ceremony.ceremony,
        verifyThreads: 0,
        ...options,
      });
      // as main.ts wires it: closing appends end-ballots inside the open → closed transaction
      elections.setCloseBoard((electionId, tx) => tally!.service.endBallots(electionId, tx));
      registerIdentity(a, auth);
      registerTallyRoutes(a, tally, auth.policy);
    },
  });
  const suffix = randomUUID().slice(0, 8);
  const officer = await signedIn(auth, `officer-${suffix}@example.org`, ['officer']);
  const auditor = await signedIn(auth, `auditor-${suffix}@example.org`, ['auditor']);
  const voter = await signedIn(auth, `voter-${suffix}@example.org`, ['voter']);
  const trustees = [];
  for (let j = 1; j <= 3; j++)
    trustees.push(await signedIn(auth, `trustee${j}-${suffix}@example.org`, ['voter']));
  return {
    app,
    db,
    auth,
    tally: tally!,
    elections,
    ceremony,
    board,
    audit,
    log,
    officer,
    auditor,
    voter,
    trustees,
  };
}

export const MANIFEST_SHAPE = {
  title: 'Student union 2026',
  questions: [
    {
      id: 'president',
      title: 'President',
      answers: [
        { id: 'ada', label: 'Ada' },
        { id: 'grace', label: 'Grace' },
        { id: 'alan', label: 'Alan' },
      ],
      min: 1,
      max: 1,
      blankAllowed: true,
    },
    {
      id: 'board',
      title: 'Board',
      answers: [
        { id: 'b1', label: 'B1' },
        { id: 'b2', label: 'B2' },
        { id: 'b3', label: 'B3' },
        { id: 'b4', label: 'B4' },
      ],
      min: 0,
      max: 2,
      blankAllowed: false,
    },
  ],
} as const;

export interface OpenElection {
  id: string;
  params: ElectionParams;
  ceremony: SimulatedCeremony;
  /** Plaintext count of the ballots that must count (per question, per answer). */
  expected: number[][];
  counted: number;
  ballots: number;
}

/**
 * An open election: trustees 1..3 (threshold 2) are the kit's trustee users, the ceremony completed,
 * `votes[v]` the selections voter v casts in order (several entries: revotes under last-counts).
 */
export async function openElection(
  t: TallyApp,
  votes: number[][][][],
  revotePolicy: RevotePolicy = 'forbidden',
): Promise<OpenElection> {
  const id = randomUUID();
  const manifest: Manifest = { v: 1, id, ...MANIFEST_SHAPE } as unknown as Manifest;
  const ceremonyParams: CeremonyParams = {
    v: 1,
    ceremonyId: `${id}-1`,
    manifestHash: manifestHash(manifest),
    n: 3,
    t: 2,
  };
  const ceremony = simulateCeremony(ceremonyParams, systemRandom);
  const params: ElectionParams = {
    v: 1,
    manifest,
    publicKey: Point.fromBase64Url(ceremony.key.electionKey),
    credentialMode: 'managed',
  };
  const credentials = generateCredentials(votes.length, id, systemRandom);
  await t.db.transaction('test.open_election', async (tx) => {
    await tx.query(
      'test.election',
      `INSERT INTO elections (id, title, manifest, state, revote_policy, params, fingerprint, created_by)
       VALUES ($1, $2, $3, 'open', $4, $5, $6, $7)`,
      [
        id,
        MANIFEST_SHAPE.title,
        JSON.stringify(manifest),
        revotePolicy,
        JSON.stringify(electionParamsToJSON(params)),
        electionFingerprint(params),
        t.officer.user.id,
      ],
    );
    await ceremonyRepository.setTrustees(
      id,
      2,
      t.trustees.map((s) => s.user.id),
      tx,
    );
    await ceremonyRepository.createCeremony(id, 1, ceremonyParams, t.officer.user.id, tx);
    await ceremonyRepository.storeSealed(
      ceremonyParams.ceremonyId,
      sealServerSecrets(createSecretBox(TEST_KEK), ceremony.secrets[0]),
      tx,
    );
    await ceremonyRepository.complete(ceremonyParams.ceremonyId, ceremony.transcript, ceremony.key, tx);
    await appendBoardEvent(
      id,
      'setup',
      setupPayload(
        params,
        ceremony.transcript,
        credentials.map((c) => c.publicCredential),
        revotePolicy,
      ),
      tx,
    );
  });
  const expected = MANIFEST_SHAPE.questions.map((q) => q.answers.map(() => 0));
  let ballots = 0;
  // Cast in rounds so revotes land after other voters' ballots, as in a real election.
  const rounds = Math.max(...votes.map((v) => v.length));
  for (let r = 0; r < rounds; r++) {
    for (let v = 0; v < votes.length; v++) {
      const selection = votes[v]![r];
      if (!selection) continue;
      const key = deriveCredentialKey(credentials[v]!.secret, id);
      const { ballot } = encryptBallot({ params, credential: key, choices: selection, random: systemRandom });
      await t.db.transaction('test.cast', (tx) => appendBoardEvent(id, 'ballot', ballotToJSON(ballot), tx));
      ballots++;
    }
  }
  for (const voterVotes of votes) {
    const last = voterVotes.at(-1)!;
    for (const [q, row] of last.entries()) {
      for (const [a, m] of row.entries()) expected[q]![a]! += m;
    }
  }
  return { id, params, ceremony, expected, counted: votes.length, ballots };
}

/** Close the election through the elections lifecycle (its closeBoard hook appends end-ballots). */
export async function closeElection(t: TallyApp, id: string): Promise<void> {
  await t.db.transaction('test.close', (tx) =>
    t.elections.service.transition(id, 'open', 'closed', 'system', tx),
  );
}

/** Trustee j's partial decryption of the published encrypted tally, computed as their client would. */
export async function partialFor(t: TallyApp, e: OpenElection, j: number): Promise<PartialDecryption> {
  const res = await t.app.inject({ method: 'GET', url: `/api/elections/${e.id}/tally` });
  if (res.statusCode !== 200) throw new Error(`GET tally: ${res.statusCode} ${res.body}`);
  const body = res.json() as { ciphertexts: unknown };
  const parsed = parseEncryptedTallyPayload(
    { v: 1, counted: e.counted, ciphertexts: body.ciphertexts },
    e.params.manifest.questions.map((q) => q.answers.length),
  );
  if (!parsed.ok) throw new Error(parsed.message);
  return createPartialDecryption(
    electionFingerprintBytes(e.params),
    e.ceremony.secrets[j]!,
    flattenTally(parsed.tally),
    systemRandom,
  );
}

/** Close, tally, and decrypt with T_0 and trustees `decrypting` over HTTP; returns the last answer. */
export async function tallyToEnd(t: TallyApp, e: OpenElection, decrypting: readonly number[] = [1, 2]) {
  await closeElection(t, e.id);
  const start = await t.app.inject({
    method: 'POST',
    url: `/api/elections/${e.id}/tally`,
    headers: { authorization: `Bearer ${t.officer.token}` },
  });
  if (start.statusCode !== 201) throw new Error(`start tally: ${start.statusCode} ${start.body}`);
  let last: { state: string } | undefined;
  for (const j of decrypting) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/elections/${e.id}/partial-decryptions`,
      headers: { authorization: `Bearer ${t.trustees[j - 1]!.token}` },
      payload: await partialFor(t, e, j),
    });
    if (res.statusCode !== 201) throw new Error(`trustee ${j}: ${res.statusCode} ${res.body}`);
    last = res.json();
  }
  return last!;
}

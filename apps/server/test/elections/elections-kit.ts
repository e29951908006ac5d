/**
 * Shared setup for the elections tests: the real app with identity and the elections routes on a
 * fresh database, signed-in actors per role, a controllable clock, and a recording board opener in
 * place of casting's (the board itself is tested by casting; here we check it is called once, inside
 * the opening transaction).
 */
import type { FastifyInstance } from 'fastify';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import { type AuthModule, authRateLimits, createAuthModule } from '../../src/domain/auth/auth-module.js';
import { createElectionsModule, type ElectionsModule } from '../../src/domain/elections/elections-module.js';
import { createOutboxMailer } from '../../src/domain/mail/mailer.js';
import { registerIdentity } from '../../src/http/auth.routes.js';
import { registerElectionRoutes } from '../../src/http/elections.routes.js';
import { registerElectionReportRoutes } from '../../src/http/elections-reports.routes.js';
import type { Database, Queryable } from '../../src/store/database.js';
import { type SignedIn, signedIn } from '../access/access-kit.js';
import { TEST_KEK } from '../auth/auth-test-kit.js';
import { buildTestApp } from '../helpers/test-app.js';

export const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };

export interface ElectionsApp {
  app: FastifyInstance;
  auth: AuthModule;
  elections: ElectionsModule;
  audit: AuditRepository;
  clock: { now: number };
  boardOpened: string[];
  /** elections whose end-ballots hook ran (inside the closing transaction) */
  boardClosed: string[];
  officer: SignedIn;
  admin: SignedIn;
  auditor: SignedIn;
  voter: SignedIn;
}

export function testModule(
  db: Database,
  clock: { now: number },
  boardOpened: string[],
  o: { reminderIntervalMs?: number; boardClosed?: string[] } = {},
): ElectionsModule {
  return createElectionsModule({
    db,
    audit: new AuditRepository(db),
    mailer: createOutboxMailer(db),
    publicUrl: 'https://vote.example.edu',
    logger: quietLogger,
    clock: () => clock.now,
    reminderIntervalMs: o.reminderIntervalMs ?? 0,
    openBoard: async (electionId: string, tx: Queryable) => {
      // inside the opening transaction: the election is already open there
      const { rows } = await tx.query<{ state: string }>(
        'test.state',
        'SELECT state FROM elections WHERE id = $1',
        [electionId],
      );
      if (rows[0]?.state !== 'open') throw new Error('openBoard called outside the opening transaction');
      boardOpened.push(electionId);
    },
    closeBoard: async (electionId: string, tx: Queryable) => {
      const { rows } = await tx.query<{ state: string }>(
        'test.state',
        'SELECT state FROM elections WHERE id = $1',
        [electionId],
      );
      if (rows[0]?.state !== 'closed') throw new Error('closeBoard called outside the closing transaction');
      o.boardClosed?.push(electionId);
    },
  });
}

export async function electionsApp(
  db: Database,
  o: { reminderIntervalMs?: number } = {},
): Promise<ElectionsApp> {
  const audit = new AuditRepository(db);
  const auth = createAuthModule({
    db,
    audit,
    mailer: createOutboxMailer(db),
    keyEncryptionKey: TEST_KEK,
    mfaRequiredRoles: ['admin', 'officer'],
    publicUrl: 'http://localhost:8080',
    cacheTtlMs: 0,
    rateLimits: authRateLimits(10_000),
  });
  const clock = { now: Date.parse('2026-03-01T08:00:00Z') };
  const boardOpened: string[] = [];
  const boardClosed: string[] = [];
  const elections = testModule(db, clock, boardOpened, { ...o, boardClosed });
  const { app } = await buildTestApp({
    db,
    setup: (a) => {
      registerIdentity(a, auth);
      registerElectionRoutes(a, elections, auth.policy);
      registerElectionReportRoutes(a, elections, auth.policy);
    },
  });
  return {
    app,
    auth,
    elections,
    audit,
    clock,
    boardOpened,
    boardClosed,
    officer: await signedIn(auth, 'officer@example.edu', ['officer']),
    admin: await signedIn(auth, 'admin@example.edu', ['admin']),
    auditor: await signedIn(auth, 'auditor@example.edu', ['auditor']),
    voter: await signedIn(auth, 'voter@example.edu', ['voter'], {
      attributes: { faculty: 'Science', level: '200' },
    }),
  };
}

/** A valid draft: one position (1 of 3, blank allowed) and one referendum question. */
export function sampleDraft(over: Record<string, unknown> = {}) {
  return {
    title: 'Student Union 2026',
    description: 'Annual election of the executive',
    questions: [
      {
        id: 'president',
        title: 'President',
        description: 'Leads the union',
        min: 1,
        max: 1,
        blankAllowed: true,
        answerOrder: 'shuffled',
        answers: [
          {
            id: 'ada',
            label: 'Ada Obi',
            photoUrl: 'https://cdn.example.edu/ada.jpg',
            manifesto: 'Cheaper meals',
          },
          { id: 'bola', label: 'Bola Ade', manifesto: 'Longer library hours' },
          { id: 'chi', label: '=HYPERLINK("x")' },
        ],
      },
      {
        id: 'referendum',
        title: 'Adopt the new constitution?',
        min: 1,
        max: 1,
        blankAllowed: false,
        answers: [
          { id: 'yes', label: 'Yes' },
          { id: 'no', label: 'No' },
        ],
      },
    ],
    opensAt: '2026-03-02T08:00:00+01:00',
    closesAt: '2026-03-03T18:00:00+01:00',
    timeZone: 'Africa/Lagos',
    ...over,
  };
}

export const auth = (s: SignedIn) => ({ authorization: `Bearer ${s.token}` });

/** Move an election's state directly (what the ceremony does on completion), bumping the version. */
export async function forceState(db: Database, id: string, state: string): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    'test.force_state',
    'UPDATE elections SET state = $2, version = version + 1 WHERE id = $1 RETURNING version',
    [id, state],
  );
  return rows[0]!.version;
}

export async function createElection(
  ea: ElectionsApp,
  over: Record<string, unknown> = {},
): Promise<{ id: string; version: number }> {
  const r = await ea.app.inject({
    method: 'POST',
    url: '/api/elections',
    headers: auth(ea.officer),
    payload: sampleDraft(over),
  });
  if (r.statusCode !== 201) throw new Error(`create failed: ${r.statusCode} ${r.body}`);
  const body = r.json() as { id: string; version: number };
  return { id: body.id, version: body.version };
}

/**
 * Shared setup for the ceremony and credentials tests: the real app (identity + ceremony routes) on
 * a fresh test database, the real elections service behind the ceremony's gateway, signed-in users,
 * and a trustee driver that runs the core locally — exactly what a trustee's device does — and talks
 * to the server over HTTP (inject, or a real socket when a URL is given).
 */
import {
  type CeremonyParams,
  type CoefficientCommitment,
  type Dealing,
  type PedersenTrusteeSecrets,
  type ShareConfirmation,
  type SingleTrusteeKey,
  systemRandom,
  type ThresholdKey,
  type TrusteeCertificate,
} from '@electra/core';
import type { FastifyInstance } from 'fastify';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import { type AuthModule, authRateLimits, createAuthModule } from '../../src/domain/auth/auth-module.js';
import { type CeremonyModule, createCeremonyModule } from '../../src/domain/ceremony/ceremony-module.js';
import { electionGateway } from '../../src/domain/ceremony/elections-adapter.js';
import type { ElectionDraftInput } from '../../src/domain/elections/election.js';
import { ElectionsRepository } from '../../src/domain/elections/elections.repository.js';
import { ElectionsService } from '../../src/domain/elections/elections.service.js';
import { EligibilityRepository } from '../../src/domain/elections/eligibility.js';
import { createOutboxMailer } from '../../src/domain/mail/mailer.js';
import { registerIdentity } from '../../src/http/auth.routes.js';
import { registerCeremony } from '../../src/http/ceremony.routes.js';
import type { Role } from '../../src/policies/types.js';
import type { Database } from '../../src/store/database.js';
import { bearer, type SignedIn } from '../access/access-kit.js';
import { TEST_KEK } from '../auth/auth-test-kit.js';
import { buildTestApp } from '../helpers/test-app.js';

export { bearer, type SignedIn, signedIn } from '../access/access-kit.js';

export interface CeremonyApp {
  app: FastifyInstance;
  auth: AuthModule;
  module: CeremonyModule;
  elections: ElectionsService;
  audit: AuditRepository;
  /** Transitions the elections' listeners were told about after commit, as "from->to". */
  notified: string[];
}

/** `mfaRequiredRoles`: ELECTRA_MFA_REQUIRED_ROLES for the identity module and the app (default admin, officer). */
export async function ceremonyApp(db: Database, o: { mfaRequiredRoles?: Role[] } = {}): Promise<CeremonyApp> {
  const mfaRequiredRoles = o.mfaRequiredRoles ?? ['admin', 'officer'];
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
  const repository = new ElectionsRepository();
  const eligibility = new EligibilityRepository();
  const notified: string[] = [];
  const elections = new ElectionsService({
    db,
    audit,
    elections: repository,
    eligibility,
    onTransition: (e, from) => notified.push(`${from}->${e.state}`),
  });
  const module = await createCeremonyModule({
    db,
    policy: auth.policy,
    audit,
    mailer,
    elections: electionGateway({ service: elections, elections: repository, eligibility }),
    keyEncryptionKey: TEST_KEK,
    publicUrl: 'http://localhost:8080',
  });
  const { app } = await buildTestApp({
    db,
    env: { ELECTRA_MFA_REQUIRED_ROLES: mfaRequiredRoles.join(',') || 'none' },
    setup: (a) => {
      registerIdentity(a, auth);
      registerCeremony(a, module, auth.policy);
    },
  });
  return { app, auth, module, elections, audit, notified };
}

export function draftInput(
  title: string,
  credentialMode: 'managed' | 'authority' = 'managed',
): ElectionDraftInput {
  return {
    title,
    credentialMode,
    questions: [
      {
        id: 'president',
        title: 'President',
        min: 1,
        max: 1,
        blankAllowed: true,
        answers: [
          { id: 'ada', label: 'Ada' },
          { id: 'grace', label: 'Grace' },
        ],
      },
    ],
  };
}

export async function createElection(
  c: CeremonyApp,
  officer: SignedIn,
  title: string,
  mode: 'managed' | 'authority' = 'managed',
): Promise<string> {
  const r = await c.elections.create(officer.user.id, draftInput(title, mode));
  if (!r.ok) throw new Error(`create election: ${r.code} ${r.message}`);
  return r.election.id;
}

/** The JSON of GET /ceremony as a trustee reads it. */
export interface CeremonyStateJson {
  electionId: string;
  state: string;
  threshold: number | null;
  you: number | null;
  trustees: { index: number; userId: string; fullName: string }[];
  ceremony: {
    id: string;
    status: string;
    phase: string;
    params: CeremonyParams;
    posted: Record<string, number[]>;
    failure: { code: string; index: number; userId: string | null; reason: string } | null;
    messages: {
      certificates?: TrusteeCertificate[];
      commitments?: CoefficientCommitment[];
      singleKey?: SingleTrusteeKey;
      dealings?: Dealing[];
      confirmations?: ShareConfirmation[];
      complaints: unknown[];
    };
    thresholdKey?: ThresholdKey;
  } | null;
}

export async function ceremonyState(app: FastifyInstance, electionId: string, token: string) {
  const r = await app.inject({
    method: 'GET',
    url: `/api/elections/${electionId}/ceremony`,
    headers: bearer(token),
  });
  if (r.statusCode !== 200) throw new Error(`GET ceremony: ${r.statusCode} ${r.body}`);
  return r.json() as CeremonyStateJson;
}

export function postMessage(
  app: FastifyInstance,
  electionId: string,
  token: string,
  kind: string,
  body: unknown,
) {
  return app.inject({
    method: 'POST',
    url: `/api/elections/${electionId}/ceremony/${kind}`,
    headers: bearer(token),
    payload: body as object,
  });
}

/** One trustee's local state during the ceremony, as its own device would keep it. */
export interface LocalTrustee {
  who: SignedIn;
  index: number;
  secrets?: PedersenTrusteeSecrets;
}

export const random = systemRandom;

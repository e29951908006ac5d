/**
 * `/api/elections`: officers draft elections and move the lifecycle (open, close, cancel; the
 * ceremony and tally routes own the other moves); staff list and read them; voters see the elections
 * they are eligible for (`/api/me/elections`); anyone reads the public part of an election that is
 * running or done. Validate → route policy → domain policy (policies/domain-policy.ts, with the loaded
 * state) → domain → present. The voter list lives in elections-voters.routes.ts, turnout and exports
 * in elections-reports.routes.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type Election,
  type ElectionDraftInput,
  type ElectionPatchInput,
  questionsOf,
} from '../domain/elections/election.js';
import { type ElectionState, nextStates } from '../domain/elections/election-state.js';
import type { ActionContext, ElectionResult } from '../domain/elections/elections.service.js';
import type { ElectionsModule } from '../domain/elections/elections-module.js';
import { type ActionResources, can, type DomainAction } from '../policies/domain-policy.js';
import type { PolicyContext } from '../policies/policy-context.js';
import type { Actor } from '../policies/types.js';
import {
  createElectionBody,
  electionListSchema,
  electionSchema,
  myElectionsSchema,
  patchElectionBody,
  publicElectionSchema,
  transitionBody,
} from './elections.schemas.js';
import { registerElectionVoterRoutes } from './elections-voters.routes.js';
import { appError, enforce } from './error-mapper.js';
import { requireActor } from './request-actor.js';
import { errorResponses, idParamsSchema } from './schemas.js';

/** States in which an election's public part (and its board) can be read by anyone. */
export const PUBLIC_STATES: readonly ElectionState[] = ['open', 'closed', 'tallying', 'tallied', 'published'];
/** States a voter sees in their list (upcoming, running, done). */
const VOTER_STATES: readonly ElectionState[] = ['ready', ...PUBLIC_STATES];

export function presentElection(e: Election) {
  return {
    id: e.id,
    title: e.title,
    description: e.description,
    state: e.state,
    version: e.version,
    questions: questionsOf(e),
    opensAt: e.opensAt,
    closesAt: e.closesAt,
    timeZone: e.timeZone,
    revotePolicy: e.revotePolicy,
    eligibility: e.eligibility,
    credentialMode: e.credentialMode,
    fingerprint: e.fingerprint,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    nextStates: nextStates(e.state),
  };
}

function summary(e: Election) {
  return {
    id: e.id,
    title: e.title,
    description: e.description,
    state: e.state,
    opensAt: e.opensAt,
    closesAt: e.closesAt,
    timeZone: e.timeZone,
    revotePolicy: e.revotePolicy,
  };
}

export function presentPublic(e: Election) {
  return {
    id: e.id,
    state: e.state,
    manifest: e.manifest,
    presentation: e.presentation,
    description: e.description,
    opensAt: e.opensAt,
    closesAt: e.closesAt,
    timeZone: e.timeZone,
    revotePolicy: e.revotePolicy,
    fingerprint: e.fingerprint,
  };
}

export function ctxOf(request: FastifyRequest): ActionContext {
  return { ip: request.ip, requestId: String(request.id) };
}

function unwrap(r: ElectionResult): Election {
  if (r.ok) return r.election;
  throw appError(r.code, r.message);
}

export async function loadElection(module: ElectionsModule, id: string): Promise<Election> {
  const e = await module.service.get(id);
  if (!e) throw appError('ELECTION_NOT_FOUND', `No election ${id}`);
  return e;
}

/** Cursor for the staff list: `<createdAt ISO>_<id>`. */
function encodeCursor(e: Election): string {
  return Buffer.from(`${e.createdAt.toISOString()}_${e.id}`).toString('base64url');
}
function decodeCursor(c: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(c, 'base64url').toString('utf8').split('_');
  const createdAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime()))
    throw appError('BAD_REQUEST', 'before: not a cursor returned by this API');
  return { createdAt, id };
}

export function registerElectionRoutes(
  app: FastifyInstance,
  module: ElectionsModule,
  policy: PolicyContext,
): void {
  const tags = ['elections'];
  const { service } = module;
  const allowed = <A extends DomainAction>(actor: Actor, action: A, resource: ActionResources[A]) =>
    can(policy, actor, action, resource);

  app.post<{ Body: ElectionDraftInput }>(
    '/api/elections',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'Create a draft election',
        body: createElectionBody,
        response: { 201: electionSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      enforce(allowed(actor, 'election.create', null));
      const e = unwrap(await service.create(actor.userId, request.body, ctxOf(request)));
      return reply.code(201).send(presentElection(e));
    },
  );

  app.get<{ Querystring: { state?: ElectionState; limit: number; before?: string } }>(
    '/api/elections',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'List elections, newest first (officers, admins, auditors)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: electionSchema.properties.state.enum },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            before: { type: 'string', maxLength: 200 },
          },
        },
        response: { 200: electionListSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      enforce(allowed(requireActor(request), 'election.view_all', null));
      const { state, limit, before } = request.query;
      const list = await module.repository.list(module.db, {
        states: state ? [state] : undefined,
        limit: limit + 1,
        before: before ? decodeCursor(before) : undefined,
      });
      const page = list.slice(0, limit);
      return {
        elections: page.map((e) => ({ ...summary(e), version: e.version, createdAt: e.createdAt })),
        next: list.length > limit ? encodeCursor(page.at(-1)!) : null,
      };
    },
  );

  app.get(
    '/api/me/elections',
    {
      config: { policy: 'authenticated' },
      schema: {
        tags,
        summary: 'The elections I am eligible for (upcoming, open, closed, published) and whether I voted',
        response: { 200: myElectionsSchema, ...errorResponses(401) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const list = await module.repository.listEligibleFor(module.db, actor.userId, VOTER_STATES);
      const voted = await module.participation.votedIn(
        module.db,
        actor.userId,
        list.map((e) => e.id),
      );
      return {
        elections: list.map((e) => ({
          ...summary(e),
          ...(voted ? { voted: voted.get(e.id) ?? false } : {}),
        })),
        participationKnown: voted !== null,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/elections/:id',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'An election in full, including drafts (officers, admins, auditors)',
        params: idParamsSchema,
        response: { 200: electionSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      enforce(allowed(requireActor(request), 'election.view_all', null));
      return presentElection(await loadElection(module, request.params.id));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/elections/:id/public',
    {
      config: { policy: 'public' },
      schema: {
        tags,
        summary: 'Public part of a running or finished election: manifest, presentation, state, schedule',
        params: idParamsSchema,
        response: { 200: publicElectionSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const e = await service.get(request.params.id);
      // Drafts and elections being prepared are not public: answer as if they did not exist.
      if (!e || !PUBLIC_STATES.includes(e.state))
        throw appError('ELECTION_NOT_FOUND', `No public election ${request.params.id}`);
      return presentPublic(e);
    },
  );

  app.patch<{ Params: { id: string }; Body: ElectionPatchInput & { version: number } }>(
    '/api/elections/:id',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'Edit a draft election (send the version you read; 409 VERSION_CONFLICT when it moved on)',
        params: idParamsSchema,
        body: patchElectionBody,
        response: { 200: electionSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const current = await loadElection(module, request.params.id);
      const permission = allowed(actor, 'election.edit', { kind: 'election', state: current.state });
      if (!permission.allowed && permission.code === 'INVALID_ELECTION_STATE')
        throw appError('ELECTION_NOT_EDITABLE', permission.reason);
      enforce(permission);
      const { version, ...patch } = request.body;
      return presentElection(
        unwrap(await service.update(actor.userId, current.id, version, patch, ctxOf(request))),
      );
    },
  );

  app.post<{ Params: { id: string }; Body: { to: ElectionState; version: number } }>(
    '/api/elections/:id/transitions',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'Open, close or cancel an election (audited as election.<state>)',
        params: idParamsSchema,
        body: transitionBody,
        response: { 200: electionSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const { to, version } = request.body;
      const r = await service.requestTransition(
        actor.userId,
        request.params.id,
        to,
        version,
        (state) => {
          const p = allowed(actor, 'election.transition', { kind: 'election', state, to });
          if (p.allowed) return { ok: true };
          if (p.code === 'INVALID_ELECTION_STATE') return { ok: false, code: p.code, message: p.reason };
          throw appError(p.code, p.reason);
        },
        ctxOf(request),
      );
      return presentElection(unwrap(r));
    },
  );

  registerElectionVoterRoutes(app, module, allowed);
}

/**
 * The trustee ceremony over HTTP (protocol §8.1; domain/ceremony/ceremony.service.ts): officers name
 * trustees and start or abort the ceremony; trustees post their messages phase by phase (verified on
 * arrival, refused with `CEREMONY_<core code>`); anyone signed in reads the public state and the
 * complete message lists, which every trustee re-verifies with the core before its next step.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {
  CeremonyOutcome,
  CeremonyService,
  CeremonySnapshot,
} from '../domain/ceremony/ceremony.service.js';
import { TRUSTEE_MESSAGE_KINDS, type TrusteeMessageKind } from '../domain/ceremony/ceremony-state.js';
import { canViewCeremony } from '../policies/ceremony-policy.js';
import type { PolicyContext } from '../policies/policy-context.js';
import { ceremonyParamsSchema, ceremonyStateSchema, MESSAGE_SCHEMAS } from './ceremony.schemas.js';
import { registerCredentialsRoutes } from './credentials.routes.js';
import { appError, enforce } from './error-mapper.js';
import { requireActor } from './request-actor.js';
import { errorResponses, idParamsSchema } from './schemas.js';

const tags = ['ceremony'];

function unwrap<T>(r: CeremonyOutcome<T>): T {
  if (r.ok) return r;
  throw appError(r.code, r.message);
}

const ctx = (r: FastifyRequest) => ({ ip: r.ip, requestId: String(r.id) });

export function presentSnapshot(s: CeremonySnapshot, viewerId: string) {
  const c = s.ceremony;
  return {
    electionId: s.electionId,
    state: s.state,
    threshold: s.threshold,
    trustees: s.trustees.map((t) => ({ index: t.index, userId: t.userId, fullName: t.fullName })),
    you: s.trustees.find((t) => t.userId === viewerId)?.index ?? null,
    ceremony: c
      ? {
          id: c.id,
          attempt: c.attempt,
          status: c.status,
          phase: c.view.phase,
          params: c.params,
          posted: c.view.posted,
          failure: c.failure,
          startedAt: c.startedAt.toISOString(),
          finishedAt: c.finishedAt?.toISOString() ?? null,
          messages: c.view.lists,
          ...(c.thresholdKey ? { thresholdKey: c.thresholdKey } : {}),
        }
      : null,
  };
}

export function registerCeremonyRoutes(
  app: FastifyInstance,
  deps: { ceremony: CeremonyService },
  policy: PolicyContext,
): void {
  const { ceremony } = deps;

  app.put<{ Params: { id: string }; Body: { threshold: number; trustees: string[] } }>(
    '/api/elections/:id/trustees',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'Name the trustees (index = position + 1) and the threshold t; draft only',
        params: idParamsSchema,
        body: {
          type: 'object',
          required: ['threshold', 'trustees'],
          additionalProperties: false,
          properties: {
            threshold: { type: 'integer', minimum: 1, maximum: 255 },
            trustees: {
              type: 'array',
              minItems: 1,
              maxItems: 255,
              items: { type: 'string', format: 'uuid' },
              description: 'user ids, in trustee index order 1..n',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['threshold', 'trustees'],
            additionalProperties: false,
            properties: {
              threshold: { type: 'integer' },
              trustees: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['index', 'userId', 'fullName'],
                  additionalProperties: false,
                  properties: {
                    index: { type: 'integer' },
                    userId: { type: 'string' },
                    fullName: { type: 'string' },
                  },
                },
              },
            },
          },
          ...errorResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request) => {
      const r = unwrap(
        await ceremony.setTrustees(requireActor(request), request.params.id, request.body, ctx(request)),
      );
      return {
        threshold: r.threshold ?? request.body.threshold,
        trustees: r.trustees.map((t) => ({ index: t.index, userId: t.userId, fullName: t.fullName })),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/elections/:id/ceremony',
    {
      config: { policy: 'authenticated' },
      schema: {
        tags,
        summary: 'Public state of the key ceremony: phase, who posted what, the complete message lists',
        params: idParamsSchema,
        response: { 200: ceremonyStateSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const s = await ceremony.snapshot(request.params.id);
      if (!s) throw appError('ELECTION_NOT_FOUND', 'No such election');
      const trusteeIndex = s.trustees.find((t) => t.userId === actor.userId)?.index ?? null;
      enforce(canViewCeremony(policy, actor, { state: s.state, trusteeIndex }));
      return presentSnapshot(s, actor.userId);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/elections/:id/ceremony',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'Start the key ceremony (draft → key_ceremony; the ballot is frozen from then on)',
        params: idParamsSchema,
        response: {
          201: {
            type: 'object',
            required: ['params'],
            additionalProperties: false,
            properties: { params: ceremonyParamsSchema },
          },
          ...errorResponses(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const r = unwrap(await ceremony.start(requireActor(request), request.params.id, ctx(request)));
      reply.code(201);
      return { params: r.params };
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/elections/:id/ceremony/abort',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'Abort a stalled ceremony (back to draft); the trustees it waits for are named',
        params: idParamsSchema,
        body: {
          type: 'object',
          required: ['reason'],
          additionalProperties: false,
          properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['failure', 'missing'],
            additionalProperties: false,
            properties: {
              failure: ceremonyStateSchema.properties.ceremony.properties.failure,
              missing: { type: 'array', items: { type: 'integer' } },
            },
          },
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const r = unwrap(
        await ceremony.abort(requireActor(request), request.params.id, request.body.reason, ctx(request)),
      );
      return { failure: r.failure, missing: r.missing };
    },
  );

  for (const kind of TRUSTEE_MESSAGE_KINDS) {
    app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
      `/api/elections/:id/ceremony/${kind}`,
      {
        config: { policy: 'authenticated' },
        schema: {
          tags,
          summary: `Post this trustee's ${kind} (protocol §8.1); verified on arrival`,
          description:
            'Only a trustee of the election may post, and only its own message. A message that fails the ' +
            "core's checks is refused with CEREMONY_<code> (protocol §8.1.7). Posting the same message again " +
            'is answered as accepted (duplicate: true).',
          params: idParamsSchema,
          body: MESSAGE_SCHEMAS[kind],
          response: {
            200: {
              type: 'object',
              required: ['accepted', 'duplicate', 'index', 'phase', 'status'],
              additionalProperties: false,
              properties: {
                accepted: { type: 'boolean', const: true },
                duplicate: { type: 'boolean' },
                index: { type: 'integer' },
                phase: ceremonyStateSchema.properties.ceremony.properties.phase,
                status: ceremonyStateSchema.properties.ceremony.properties.status,
              },
            },
            ...errorResponses(400, 401, 403, 404, 409, 422),
          },
        },
      },
      async (request) => {
        const r = unwrap(
          await ceremony.post(
            requireActor(request),
            request.params.id,
            kind as TrusteeMessageKind,
            request.body,
            ctx(request),
          ),
        );
        return {
          accepted: true,
          duplicate: r.duplicate,
          index: r.index,
          phase: r.view.phase,
          status: r.view.status,
        };
      },
    );
  }
}

/** The ceremony and credential routes of one CeremonyModule (buildApp's `ceremony` dependency). */
export function registerCeremony(
  app: FastifyInstance,
  module: { ceremony: CeremonyService } & Parameters<typeof registerCredentialsRoutes>[1],
  policy: PolicyContext,
): void {
  registerCeremonyRoutes(app, module, policy);
  registerCredentialsRoutes(app, module);
}

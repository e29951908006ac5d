/**
 * Public credentials over HTTP (protocol §6.3; domain/credentials/credentials.service.ts). An officer
 * uploads the list an independent credential authority generated offline (authority mode only, until
 * the election opens); in managed mode an officer issues credentials to voters who became eligible
 * late and re-issues one voter's (until the election opens); anyone signed in reads the list, which is
 * what the board's setup event publishes once voting opens. Secret credentials never cross this API.
 */
import type { FastifyInstance } from 'fastify';
import type { CeremonyElection, ElectionGateway } from '../domain/ceremony/election-gateway.js';
import {
  type CredentialsService,
  MAX_UPLOADED_CREDENTIALS,
} from '../domain/credentials/credentials.service.js';
import { CREDENTIALS_EDITABLE } from '../policies/ceremony-policy.js';
import type { Database } from '../store/database.js';
import { appError } from './error-mapper.js';
import { requireActor } from './request-actor.js';
import { errorResponses, idParamsSchema } from './schemas.js';

const publicCredential = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;

/** 50 bytes per credential in JSON, with room to spare. */
const UPLOAD_BODY_LIMIT = MAX_UPLOADED_CREDENTIALS * 50 + 1024;

const tags = ['credentials'];

export function registerCredentialsRoutes(
  app: FastifyInstance,
  deps: { credentials: CredentialsService; elections: ElectionGateway; db: Database },
): void {
  const { credentials } = deps;

  app.put<{ Params: { id: string }; Body: { publicCredentials: string[] } }>(
    '/api/elections/:id/credentials',
    {
      config: { policy: 'officer' },
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Upload the public credentials of an authority-mode election (replaces the list)',
        description:
          'Only public credentials (protocol §6.2), in any order and without voter names: each voter is ' +
          'bound to a credential when they first cast a ballot with it. Refused once the election opens, ' +
          'with a non-element, a repeated credential or more credentials than eligible voters.',
        params: idParamsSchema,
        body: {
          type: 'object',
          required: ['publicCredentials'],
          additionalProperties: false,
          properties: {
            publicCredentials: { type: 'array', maxItems: MAX_UPLOADED_CREDENTIALS, items: publicCredential },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['count'],
            additionalProperties: false,
            properties: { count: { type: 'integer' } },
          },
          ...errorResponses(400, 401, 403, 404, 409, 413, 422),
        },
      },
    },
    async (request) => {
      const r = await credentials.upload(
        requireActor(request),
        request.params.id,
        request.body.publicCredentials,
        {
          ip: request.ip,
          requestId: String(request.id),
        },
      );
      if (!r.ok) throw appError(r.code, r.message);
      return { count: r.count };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/elections/:id/credentials/issue',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'Managed mode: issue and mail credentials to eligible voters who have none yet',
        description:
          'Credentials are issued automatically when the ceremony completes; voters who became eligible ' +
          'afterwards (a later roll import) get theirs with this call, before the election opens.',
        params: idParamsSchema,
        response: {
          200: {
            type: 'object',
            required: ['issued'],
            additionalProperties: false,
            properties: { issued: { type: 'integer' } },
          },
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const r = await credentials.issueMissing(requireActor(request), request.params.id, {
        ip: request.ip,
        requestId: String(request.id),
      });
      if (!r.ok) throw appError(r.code, r.message);
      return { issued: r.issued };
    },
  );

  app.post<{ Params: { id: string }; Body: { userId: string } | { email: string } }>(
    '/api/elections/:id/credentials/reissue',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: "Managed mode: replace one voter's credential and mail the new one (before opening)",
        description:
          'For a voter whose credential mail failed or who lost it: the voter (by `userId` or `email`, ' +
          'on the roll) gets a new credential, which replaces theirs in the public list, and it is mailed ' +
          'to them; the old one stops working. Audited as credentials.reissued. Only while the election ' +
          'is ready: once it opens the list is published on the board and part of the record, so this is ' +
          '409 CREDENTIALS_FROZEN. 502 CREDENTIAL_MAIL_FAILED: the credential was replaced but the mail ' +
          'could not be sent; call again once mail works.',
        params: idParamsSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          maxProperties: 1,
          properties: {
            userId: { type: 'string', format: 'uuid' },
            email: { type: 'string', minLength: 3, maxLength: 254 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['userId', 'email', 'replaced'],
            additionalProperties: false,
            properties: {
              userId: { type: 'string', format: 'uuid' },
              email: { type: 'string' },
              replaced: { type: 'boolean', description: 'false when the voter had no credential yet' },
            },
          },
          ...errorResponses(400, 401, 403, 404, 409, 422, 502),
        },
      },
    },
    async (request) => {
      const r = await credentials.reissue(requireActor(request), request.params.id, request.body, {
        ip: request.ip,
        requestId: String(request.id),
      });
      if (!r.ok) throw appError(r.code, r.message);
      return { userId: r.userId, email: r.email, replaced: r.replaced };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/elections/:id/credentials',
    {
      config: { policy: 'authenticated' },
      schema: {
        tags,
        summary: 'The public credential list of an election and how many are bound to voters',
        params: idParamsSchema,
        response: {
          200: {
            type: 'object',
            required: ['mode', 'frozen', 'count', 'bound', 'publicCredentials'],
            additionalProperties: false,
            properties: {
              mode: { type: 'string', enum: ['managed', 'authority'] },
              frozen: { type: 'boolean', description: 'true once the election has opened' },
              count: { type: 'integer' },
              bound: { type: 'integer' },
              publicCredentials: { type: 'array', items: publicCredential },
            },
          },
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const election: CeremonyElection | null = await deps.elections.get(request.params.id, deps.db);
      if (!election) throw appError('ELECTION_NOT_FOUND', 'No such election');
      const summary = await credentials.summary(election.id);
      return {
        mode: election.credentialMode,
        frozen: !CREDENTIALS_EDITABLE.includes(election.state),
        count: summary.total,
        bound: summary.bound,
        publicCredentials: await credentials.frozenCredentials(election.id),
      };
    },
  );
}

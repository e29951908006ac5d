/**
 * Casting routes (ARCHITECTURE §5, protocol §7): a voter casts a ballot or publishes a challenged
 * one (Benaloh audit), and anyone fetches the receipt keys. Bodies are bounded twice: by the largest
 * ballot any manifest allows (route bodyLimit), then by the largest ballot of this election's
 * manifest (Content-Length, before parsing). A body that does not match the ballot schema is
 * BALLOT_MALFORMED; everything else is decided by the casting service. A new ballot answers 201 with
 * its receipt; resubmitting the same ballot answers 200 with the very same receipt.
 */
import type { Manifest } from '@electra/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  MAX_ANY_AUDIT_BYTES,
  MAX_ANY_BALLOT_BYTES,
  maxAuditBytes,
  maxBallotBytes,
} from '../domain/casting/ballot-size.js';
import { loadElection } from '../domain/casting/casting.repository.js';
import { CastingError } from '../domain/casting/casting-errors.js';
import type { CastingModule } from '../domain/casting/casting-module.js';
import { registerBoardRoutes } from './board.routes.js';
import {
  auditBodySchema,
  auditReceiptSchema,
  ballotSchema,
  receiptKeysSchema,
  receiptSchema,
} from './casting.schemas.js';
import { appError } from './error-mapper.js';
import { requireActor } from './request-actor.js';
import { errorResponses, idParamsSchema } from './schemas.js';

/** A CastingError as the HTTP answer of its stable code. */
export function castingHttpError(e: unknown): unknown {
  if (!(e instanceof CastingError)) return e;
  return appError(e.code, e.message);
}

type Params = { id: string };

/** Largest body per election, cached once the manifest is frozen (it never changes afterwards). */
function sizeLimits(casting: CastingModule) {
  const cache = new Map<string, { ballot: number; audit: number }>();
  return async (electionId: string) => {
    const hit = cache.get(electionId);
    if (hit) return hit;
    const election = await loadElection(casting.db, electionId);
    if (!election?.params) return undefined;
    const manifest = election.params.manifest as Manifest;
    const limits = { ballot: maxBallotBytes(manifest), audit: maxAuditBytes(manifest) };
    if (cache.size >= 1000) cache.delete(cache.keys().next().value as string);
    cache.set(electionId, limits);
    return limits;
  };
}

export function registerBallotRoutes(app: FastifyInstance, casting: CastingModule): void {
  const tags = ['ballots'];
  const limits = sizeLimits(casting);
  const checkSize = (kind: 'ballot' | 'audit') => async (request: FastifyRequest) => {
    const length = Number(request.headers['content-length']);
    if (!Number.isFinite(length)) return;
    const l = await limits((request.params as Params).id);
    if (l && length > l[kind]) {
      throw appError('PAYLOAD_TOO_LARGE', `A ${kind} of this election is at most ${l[kind]} bytes`);
    }
  };
  const malformed = (request: FastifyRequest) => {
    const v = request.validationError;
    if (!v) return;
    if (v.validationContext === 'body') throw appError('BALLOT_MALFORMED', v.message);
    throw appError('VALIDATION_FAILED', v.message);
  };

  app.post<{ Params: Params; Body: unknown }>(
    '/api/elections/:id/ballots',
    {
      config: { policy: 'voter' },
      bodyLimit: MAX_ANY_BALLOT_BYTES,
      attachValidation: true,
      preParsing: async (request, _reply, payload) => {
        await checkSize('ballot')(request);
        return payload;
      },
      schema: {
        tags,
        summary: 'Cast a signed encrypted ballot; answers a signed receipt (same receipt when resubmitted)',
        params: idParamsSchema,
        body: ballotSchema,
        response: {
          200: { ...receiptSchema, description: 'This exact ballot was already cast: its receipt' },
          201: receiptSchema,
          ...errorResponses(400, 401, 403, 404, 409, 413, 422),
        },
      },
    },
    async (request, reply) => {
      malformed(request);
      const actor = requireActor(request);
      try {
        const r = await casting.service.cast(actor, request.params.id, request.body);
        reply.code(r.duplicate ? 200 : 201);
        return r.receipt;
      } catch (e) {
        throw castingHttpError(e);
      }
    },
  );

  app.post<{ Params: Params; Body: { ballot: unknown; opening: unknown } }>(
    '/api/elections/:id/ballots/audit',
    {
      config: { policy: 'voter' },
      bodyLimit: MAX_ANY_AUDIT_BYTES,
      attachValidation: true,
      preParsing: async (request, _reply, payload) => {
        await checkSize('audit')(request);
        return payload;
      },
      schema: {
        tags,
        summary:
          'Publish a challenged ballot with its opening (Benaloh audit); it can never be cast afterwards',
        params: idParamsSchema,
        body: auditBodySchema,
        response: {
          200: { ...auditReceiptSchema, description: 'Already audited: where it is' },
          201: auditReceiptSchema,
          ...errorResponses(400, 401, 403, 404, 409, 413, 422),
        },
      },
    },
    async (request, reply) => {
      malformed(request);
      const actor = requireActor(request);
      try {
        const r = await casting.service.audit(actor, request.params.id, request.body);
        reply.code(r.duplicate ? 200 : 201);
        return r.receipt;
      } catch (e) {
        throw castingHttpError(e);
      }
    },
  );

  app.get(
    '/api/receipt-keys',
    {
      config: { policy: 'public' },
      schema: {
        tags,
        summary: 'Public keys that sign ballot receipts (protocol §13)',
        response: { 200: receiptKeysSchema },
      },
    },
    async () => ({ keys: await casting.receipts.published() }),
  );

  app.get<{ Params: Params }>(
    '/api/elections/:id/receipt-key',
    {
      config: { policy: 'public' },
      schema: {
        tags,
        summary: 'Public keys that sign this election’s ballot receipts (protocol §13)',
        params: idParamsSchema,
        response: { 200: receiptKeysSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      if (!(await loadElection(casting.db, request.params.id))) {
        throw appError('ELECTION_NOT_FOUND', 'No such election');
      }
      return { keys: await casting.receipts.published() };
    },
  );
}

/** Every casting route: ballots, audits, receipt keys, the public board and the record. */
export function registerCasting(app: FastifyInstance, casting: CastingModule): void {
  registerBallotRoutes(app, casting);
  registerBoardRoutes(app, casting);
}

/**
 * Tally and results over HTTP (issue 5; protocol §8.4–§9.5, §11). Officers start the tally
 * (closed → tallying), may re-run its completion, and publish; trustees submit their partial
 * decryption, computed in their own browser or CLI from their key file; anyone reads the encrypted
 * tally (trustees need it) and the verifier's verdict; results follow `election.view_results`.
 * Handlers: validate (schemas) → authorize (policies/tally-policy.ts) → domain (TallyService) → present.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ElectionResults } from '../domain/tally/tally.service.js';
import { TallyError } from '../domain/tally/tally-errors.js';
import type { TallyModule } from '../domain/tally/tally-module.js';
import type { TallyElection } from '../domain/tally/tally-ports.js';
import type { PolicyContext } from '../policies/policy-context.js';
import {
  canFinalizeTally,
  canPublishResults,
  canStartTally,
  canSubmitPartialDecryption,
  canViewEncryptedTally,
  canViewResults,
} from '../policies/tally-policy.js';
import { appError, enforce } from './error-mapper.js';
import { actorOf, requireActor } from './request-actor.js';
import { errorResponses, idParamsSchema } from './schemas.js';
import {
  encryptedTallySchema,
  partialAcceptedSchema,
  partialDecryptionBodySchema,
  resultsSchema,
  tallyStartedSchema,
  verificationSchema,
} from './tally.schemas.js';

interface Params {
  id: string;
}

function ctxOf(request: FastifyRequest, actor: string) {
  return { actor, ip: request.ip, requestId: String(request.id) };
}

/** Domain failures become their stable code; anything else is a bug (500). */
async function domain<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof TallyError) throw appError(e.code, e.message);
    throw e;
  }
}

function presentResults(r: ElectionResults) {
  return {
    electionId: r.electionId,
    title: r.title,
    state: r.state,
    counted: r.counted,
    fingerprint: r.fingerprint,
    resultHeight: r.resultHeight,
    computedAt: r.computedAt.toISOString(),
    questions: r.questions,
    verification: r.verification && {
      valid: r.verification.valid,
      headHeight: r.verification.headHeight,
      headHash: r.verification.headHash,
      verifiedAt: r.verification.verifiedAt.toISOString(),
      failures: r.verification.failures,
    },
  };
}

export function registerTallyRoutes(app: FastifyInstance, tally: TallyModule, policy: PolicyContext): void {
  const { service } = tally;
  const load = async (id: string): Promise<TallyElection> => {
    const e = await tally.elections.getElection(id);
    if (!e) throw appError('ELECTION_NOT_FOUND', 'No such election');
    return e;
  };

  app.post<{ Params: Params }>(
    '/api/elections/:id/tally',
    {
      config: { policy: 'officer' },
      schema: {
        tags: ['tally'],
        summary:
          'Start the tally: publish the encrypted tally and T_0’s partial decryption (closed → tallying)',
        params: idParamsSchema,
        response: { 201: tallyStartedSchema, ...errorResponses(401, 403, 404, 409, 500) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const election = await load(request.params.id);
      enforce(canStartTally(policy, actor, election.state));
      const row = await domain(() => service.startTally(election.id, ctxOf(request, actor.userId)));
      reply.code(201);
      return {
        electionId: election.id,
        state: 'tallying',
        counted: row.counted,
        encryptedTallyHeight: row.tallyHeight,
      };
    },
  );

  app.get<{ Params: Params }>(
    '/api/elections/:id/tally',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['tally'],
        summary:
          'The encrypted tally trustees decrypt, and the decryption progress (public from tallying on)',
        params: idParamsSchema,
        response: { 200: encryptedTallySchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => {
      const election = await load(request.params.id);
      enforce(canViewEncryptedTally(election.state));
      const status = await domain(() => service.tallyStatus(election.id));
      if (!status) throw appError('INVALID_ELECTION_STATE', 'The tally has not started');
      const { tally: row, setup, received, verification } = status;
      return {
        electionId: election.id,
        state: election.state,
        fingerprint: setup.fingerprint,
        threshold: setup.key.t,
        trustees: setup.key.n,
        encryptedTallyHeight: row.tallyHeight,
        counted: row.counted,
        ciphertexts: row.encryptedTally.ciphertexts,
        received,
        quorum:
          received.some((r) => r.trustee === 0) &&
          received.filter((r) => r.trustee > 0).length >= setup.key.t,
        resultHeight: row.resultHeight,
        verification: verification && {
          valid: verification.valid,
          headHeight: verification.headHeight,
          headHash: verification.headHash,
          verifiedAt: verification.verifiedAt.toISOString(),
        },
      };
    },
  );

  app.post<{ Params: Params; Body: { v: 1; trustee: number; factors: unknown[] } }>(
    '/api/elections/:id/partial-decryptions',
    {
      config: { policy: 'authenticated' },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['tally'],
        summary: 'Submit your partial decryption of the encrypted tally (trustees of this election)',
        params: idParamsSchema,
        body: partialDecryptionBodySchema,
        response: { 201: partialAcceptedSchema, ...errorResponses(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const election = await load(request.params.id);
      const trusteeIndex = await tally.trustees.trusteeIndexOf(election.id, actor.userId);
      const permission = canSubmitPartialDecryption(actor, {
        state: election.state,
        trusteeIndex,
        claimed: request.body.trustee,
      });
      if (!permission.allowed) {
        tally.logger.warn(
          { electionId: election.id, code: permission.code },
          'unauthorized partial decryption refused',
        );
        throw appError(permission.code, permission.reason);
      }
      const outcome = await domain(() =>
        service.submitPartial(
          election.id,
          trusteeIndex!,
          actor.userId,
          request.body,
          ctxOf(request, actor.userId),
        ),
      );
      reply.code(201);
      return outcome;
    },
  );

  app.post<{ Params: Params }>(
    '/api/elections/:id/tally/finalize',
    {
      config: { policy: 'officer' },
      schema: {
        tags: ['tally'],
        summary: 'Combine the partial decryptions, publish the result and verify the record (again)',
        params: idParamsSchema,
        response: { 200: verificationSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const election = await load(request.params.id);
      enforce(canFinalizeTally(policy, actor, election.state));
      const done = await domain(() => service.finalize(election.id, ctxOf(request, actor.userId)));
      const v = done.verification;
      return {
        state: done.state,
        valid: v.valid,
        headHeight: v.headHeight,
        headHash: v.headHash,
        verifiedAt: v.verifiedAt.toISOString(),
        report: v.report,
      };
    },
  );

  app.get<{ Params: Params }>(
    '/api/elections/:id/tally/verification',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['tally'],
        summary: 'The latest verifier report on the stored record (public from tallying on)',
        params: idParamsSchema,
        response: { 200: verificationSchema, ...errorResponses(404, 409) },
      },
    },
    async (request) => {
      const election = await load(request.params.id);
      enforce(canViewEncryptedTally(election.state));
      const status = await domain(() => service.tallyStatus(election.id));
      const v = status?.verification;
      if (!v) throw appError('RESULTS_UNAVAILABLE', 'The record has not been verified yet');
      return {
        state: election.state,
        valid: v.valid,
        headHeight: v.headHeight,
        headHash: v.headHash,
        verifiedAt: v.verifiedAt.toISOString(),
        report: v.report,
      };
    },
  );

  app.post<{ Params: Params }>(
    '/api/elections/:id/publish',
    {
      config: { policy: 'officer' },
      schema: {
        tags: ['tally'],
        summary: 'Publish the verified results (tallied → published); voters are told by email',
        params: idParamsSchema,
        response: { 200: resultsSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const election = await load(request.params.id);
      enforce(canPublishResults(policy, actor, election.state));
      await domain(() => service.publish(election.id, ctxOf(request, actor.userId)));
      if (tally.notifier) {
        tally.notifier.resultsPublished(election.id).catch((err: unknown) => {
          tally.logger.warn({ err, electionId: election.id }, 'result-published email failed');
        });
      }
      const results = await service.resultsFor(election.id);
      if (!results) throw new Error(`published election ${election.id} has no result`);
      return presentResults(results);
    },
  );

  app.get<{ Params: Params }>(
    '/api/elections/:id/results',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['tally'],
        summary: 'Results per question (public when published; officers, admins and auditors once tallied)',
        params: idParamsSchema,
        response: { 200: resultsSchema, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const election = await load(request.params.id);
      enforce(canViewResults(policy, actorOf(request), election.state));
      const results = await service.resultsFor(election.id);
      if (!results) throw appError('RESULTS_UNAVAILABLE', 'No result yet');
      return presentResults(results);
    },
  );
}

/**
 * The explicit voter list of an election (eligibility `list`): `PUT /api/elections/:id/voters` replaces
 * it from JSON user ids or from a CSV of emails/identifiers (parsed as it streams in, behind a byte
 * limit; one unknown entry rejects the whole file), `GET` pages it. Officers only, draft only for
 * changes (the list feeds the credentials, so it is frozen once the ceremony starts).
 */
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type { FastifyInstance } from 'fastify';
import type { ElectionsModule } from '../domain/elections/elections-module.js';
import type { ActionResources, DomainAction, Permission } from '../policies/domain-policy.js';
import type { Actor } from '../policies/types.js';
import { AppError } from './app-error.js';
import { ctxOf, loadElection } from './elections.routes.js';
import {
  pageQuery,
  votersListSchema,
  votersPutBody,
  votersPutQuery,
  votersPutResponse,
} from './elections.schemas.js';
import { appError, enforce } from './error-mapper.js';
import { requireActor } from './request-actor.js';
import { errorResponses, idParamsSchema } from './schemas.js';

const VOTERS_CSV_MAX_BYTES = 8 * 1024 * 1024;

/** `can` bound to the app's policy context (registerElectionRoutes). */
type Allowed = <A extends DomainAction>(actor: Actor, action: A, resource: ActionResources[A]) => Permission;

/** CSV voter list: one email or identifier per line (first column); an optional header line. */
async function readVoterCsv(body: Readable): Promise<{ line: number; value: string }[]> {
  const refs: { line: number; value: string }[] = [];
  let seen = 0;
  body.on('data', (c: Buffer) => {
    seen += c.length;
    if (seen > VOTERS_CSV_MAX_BYTES)
      body.destroy(appError('PAYLOAD_TOO_LARGE', 'The voter list is too large'));
  });
  const parser = body.pipe(
    parseCsv({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }),
  );
  body.on('error', (e) => parser.destroy(e));
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const value = rec.record.find((c) => c.length > 0);
      if (!value) continue;
      if (refs.length === 0 && /^(email|e-mail|identifier|id|voter|matric|login)$/i.test(value)) continue;
      refs.push({ line: rec.info.lines, value: value.slice(0, 254) });
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw appError('VOTER_LIST_INVALID', `csv: ${(e as Error).message}`);
  }
  return refs;
}

export function registerElectionVoterRoutes(
  app: FastifyInstance,
  module: ElectionsModule,
  allowed: Allowed,
): void {
  const tags = ['elections'];
  const { service } = module;
  app.register(async (scope) => {
    // Only this scope accepts CSV (the voter list); the stream is parsed as it arrives.
    scope.addContentTypeParser(['text/csv', 'application/csv'], (_request, payload, done) => {
      done(null, payload);
    });
    scope.put<{ Params: { id: string }; Querystring: { version?: number }; Body: unknown }>(
      '/api/elections/:id/voters',
      {
        config: { policy: 'officer' },
        schema: {
          tags,
          summary: 'Replace the explicit voter list: JSON {userIds} or text/csv of emails/identifiers',
          consumes: ['application/json', 'text/csv'],
          params: idParamsSchema,
          querystring: votersPutQuery,
          // JSON bodies are validated here; CSV arrives as a stream and is parsed in the handler.
          body: { content: { 'application/json': { schema: votersPutBody } } },
          response: { 200: votersPutResponse, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422) },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        const current = await loadElection(module, request.params.id);
        enforce(allowed(actor, 'election.manage_voters', { kind: 'election', state: current.state }));
        const body = request.body as Readable | { userIds: string[]; version?: number };
        const input =
          typeof (body as Readable).pipe === 'function'
            ? { refs: await readVoterCsv(body as Readable) }
            : { userIds: (body as { userIds: string[] }).userIds };
        const version = request.query.version ?? (body as { version?: number }).version;
        const r = await service.setVoters(actor.userId, current.id, input, version, ctxOf(request));
        if (!r.ok) throw appError(r.code, r.message);
        return { count: r.count ?? 0, version: r.election.version };
      },
    );
  });

  app.get<{ Params: { id: string }; Querystring: { limit: number; after?: string } }>(
    '/api/elections/:id/voters',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'The explicit voter list, paged by user id',
        params: idParamsSchema,
        querystring: pageQuery,
        response: { 200: votersListSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const current = await loadElection(module, request.params.id);
      enforce(allowed(actor, 'election.manage_voters', { kind: 'election', state: current.state }));
      const page = await module.eligibility.listPage(
        module.db,
        current.id,
        request.query.after ?? null,
        request.query.limit,
      );
      return {
        voters: page.voters.map((v) => ({ userId: v.userId, email: v.email, fullName: v.fullName })),
        total: page.total,
        next: page.next,
      };
    },
  );
}

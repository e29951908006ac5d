/**
 * The public board and election record (protocol §9, §10): anyone reads the board page by page
 * (heights, types, event hashes, trackers — never a voter identity), checks that a tracker is on it
 * (and, under last-counts, whether it is the counted ballot of its credential), watches the head so
 * a rewritten history is detected, and downloads the whole record, streamed from the database in
 * pages with the head as ETag.
 */
import { Readable } from 'node:stream';
import { fromBase64Url, shortTrackerCode } from '@electra/core';
import type { FastifyInstance } from 'fastify';
import { boardHead, readBoardPage, streamRecord } from '../domain/board/board.repository.js';
import { loadElection, locateTracker, trackersAt } from '../domain/casting/casting.repository.js';
import type { CastingModule } from '../domain/casting/casting-module.js';
import { boardPageSchema, headSchema, trackerLocationSchema } from './casting.schemas.js';
import { appError } from './error-mapper.js';
import { errorResponses, idParamsSchema } from './schemas.js';

/** The record is JSON Lines (protocol §10.1). */
export const RECORD_MEDIA_TYPE = 'application/x-ndjson';

const notFound = () => appError('ELECTION_NOT_FOUND', 'No such election');

export function registerBoardRoutes(app: FastifyInstance, casting: CastingModule): void {
  const { db } = casting;
  const tags = ['board'];
  const requireElection = async (id: string) => {
    if (!(await loadElection(db, id))) throw notFound();
  };

  app.get<{ Params: { id: string }; Querystring: { after: number; limit: number } }>(
    '/api/elections/:id/board',
    {
      config: { policy: 'public' },
      schema: {
        tags,
        summary: 'The public board, paged by height: event types and hashes, trackers of ballots',
        params: idParamsSchema,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'integer', minimum: -1, default: -1, description: 'last height already seen' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: { 200: boardPageSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      await requireElection(id);
      const head = await boardHead(db, id);
      const page = await readBoardPage(db, id, request.query.after, request.query.limit);
      const first = page[0];
      const last = page[page.length - 1];
      const trackers =
        first && last ? await trackersAt(db, id, first.height, last.height) : new Map<number, string>();
      return {
        head,
        events: page.map((e) => ({
          height: e.height,
          type: e.type,
          hash: e.hash,
          ...(trackers.has(e.height) ? { tracker: trackers.get(e.height) } : {}),
        })),
        next: last && last.height + 1 < head.height ? last.height : null,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/elections/:id/board/head',
    {
      config: { policy: 'public' },
      schema: {
        tags,
        summary: 'Height and hash of the last board event: publish or compare it to detect a rewritten board',
        params: idParamsSchema,
        response: { 200: headSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      await requireElection(request.params.id);
      return boardHead(db, request.params.id);
    },
  );

  app.get<{ Params: { id: string; tracker: string } }>(
    '/api/elections/:id/board/:tracker',
    {
      config: { policy: 'public' },
      schema: {
        tags,
        summary: 'Is this tracker on the board? Its height, event hash and whether it is counted',
        params: {
          type: 'object',
          required: ['id', 'tracker'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', format: 'uuid' },
            tracker: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
          },
        },
        response: { 200: trackerLocationSchema, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      const { id, tracker } = request.params;
      await requireElection(id);
      const at = await locateTracker(db, id, tracker);
      if (!at) throw appError('TRACKER_NOT_FOUND', 'No ballot with this tracker on the board');
      return {
        tracker: { hash: tracker, short: shortTrackerCode(fromBase64Url(tracker)) },
        kind: at.kind,
        height: at.height,
        eventHash: at.hash,
        counted: at.counted,
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/elections/:id/record',
    {
      config: { policy: 'public' },
      schema: {
        tags,
        summary: 'The election record (protocol §10): JSON Lines, header then every board event, streamed',
        params: idParamsSchema,
        response: {
          200: { type: 'string', description: `${RECORD_MEDIA_TYPE}: electra-record v1` },
          304: { type: 'null', description: 'The board has not changed since the ETag you hold' },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await requireElection(id);
      const head = await boardHead(db, id);
      const etag = `"${head.hash}"`;
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      reply
        .type(RECORD_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="electra-record-${id}.jsonl"`);
      return reply.send(Readable.from(streamRecord(db, id, head)));
    },
  );
}

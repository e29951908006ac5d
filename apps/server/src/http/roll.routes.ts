/**
 * `POST /api/roll/import`: an officer uploads the voter roll as `text/csv` (format in
 * docs/operations/voter-roll.md). The body is handed to the importer as a stream (parsed as it
 * arrives, never buffered whole) behind a byte limit; the route policy runs before a byte is read.
 * `?dryRun=true` answers the preview; a real import answers 200 with the counts, or 422 with every
 * row error and nothing imported.
 */
import { type Readable, Transform } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { RollImporter, RollPreview } from '../domain/roll/roll-import.service.js';
import { appError } from './error-mapper.js';
import { requireActor } from './request-actor.js';
import { errorResponseSchema, errorResponses } from './schemas.js';

/** 100 000 rows of a few hundred bytes each. */
export const ROLL_MAX_BYTES = 32 * 1024 * 1024;

const previewProperties = {
  rows: { type: 'integer' },
  toCreate: { type: 'integer' },
  toUpdate: { type: 'integer' },
  unchanged: { type: 'integer' },
  errors: {
    type: 'array',
    items: {
      type: 'object',
      required: ['line', 'field', 'reason'],
      additionalProperties: false,
      properties: {
        line: { type: 'integer' },
        field: { type: ['string', 'null'] },
        reason: { type: 'string' },
      },
    },
  },
  errorCount: { type: 'integer', description: 'all errors; at most 1000 are listed' },
} as const;
const previewRequired = ['rows', 'toCreate', 'toUpdate', 'unchanged', 'errors', 'errorCount'];

function limitBytes(source: Readable, max: number): Readable {
  let seen = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) {
        done(appError('PAYLOAD_TOO_LARGE', `The roll is larger than ${max} bytes; split the file`));
        return;
      }
      done(null, chunk);
    },
  });
  source.on('error', (e) => guard.destroy(e));
  return source.pipe(guard);
}

export function registerRollRoutes(
  app: FastifyInstance,
  deps: { importer: RollImporter; invitations: boolean; maxBytes?: number },
): void {
  const maxBytes = deps.maxBytes ?? ROLL_MAX_BYTES;
  app.register(async (scope) => {
    // Only this scope accepts CSV; the stream is passed on unread (parsed by the importer).
    scope.addContentTypeParser(['text/csv', 'application/csv'], (request, payload, done) => {
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        done(appError('PAYLOAD_TOO_LARGE', `The roll is larger than ${maxBytes} bytes; split the file`));
        return;
      }
      done(null, payload);
    });

    scope.post<{ Querystring: { dryRun: boolean; invite: boolean } }>(
      '/api/roll/import',
      {
        config: { policy: 'officer' },
        schema: {
          tags: ['roll'],
          summary: 'Import the voter roll (CSV); dryRun=true previews without writing',
          consumes: ['text/csv'],
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              dryRun: { type: 'boolean', default: false },
              invite: {
                type: 'boolean',
                default: false,
                description: 'email new voters how to set a password',
              },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['dryRun', 'imported', 'invited', ...previewRequired],
              additionalProperties: false,
              properties: {
                dryRun: { type: 'boolean' },
                imported: { type: 'boolean' },
                invited: { type: 'integer' },
                ...previewProperties,
              },
            },
            422: {
              type: 'object',
              required: ['error', 'preview'],
              additionalProperties: false,
              properties: {
                error: errorResponseSchema.properties.error,
                preview: {
                  type: 'object',
                  required: previewRequired,
                  additionalProperties: false,
                  properties: previewProperties,
                },
              },
            },
            ...errorResponses(400, 401, 403, 413, 415),
          },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const body = request.body as Readable | undefined;
        if (!body || typeof (body as Readable).pipe !== 'function') {
          throw appError('UNSUPPORTED_MEDIA_TYPE', 'Send the roll as text/csv');
        }
        const { dryRun, invite } = request.query;
        if (invite && !deps.invitations) {
          throw appError('INVITATIONS_UNAVAILABLE', 'Invitations need mail to be configured');
        }
        const outcome = await deps.importer.import({
          csv: limitBytes(body, maxBytes),
          dryRun,
          invite,
          actor,
          auditActor: actor.userId,
          ip: request.ip,
          requestId: String(request.id),
        });
        const preview: RollPreview = outcome.preview;
        if (outcome.status === 'invalid') {
          request.log.info({ errorCount: preview.errorCount }, 'roll import refused: the file has errors');
          return reply.code(422).send({
            error: {
              code: 'ROLL_INVALID',
              message: `The roll has ${preview.errorCount} error(s); nothing was imported`,
              requestId: String(request.id),
            },
            preview,
          });
        }
        return {
          dryRun,
          imported: outcome.status === 'imported',
          invited: outcome.status === 'imported' ? outcome.invited : 0,
          ...preview,
        };
      },
    );
  });
}

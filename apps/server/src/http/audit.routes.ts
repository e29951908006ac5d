/**
 * `GET /api/audit`: the audit log for oversight (policy `auditor`: admins and auditors), filtered by
 * actor, action prefix, target, time range or request id, keyset-paged by seq so a page never shifts
 * while new entries arrive. Read-only: nothing in the API writes the log directly.
 */
import type { FastifyInstance } from 'fastify';
import type { AuditRepository } from '../domain/audit/audit.repository.js';
import type { AuditRecord } from '../domain/audit/audit-chain.js';
import { appError } from './error-mapper.js';
import { errorResponses } from './schemas.js';

const entrySchema = {
  type: 'object',
  required: ['seq', 'time', 'actor', 'action', 'target', 'ip', 'requestId', 'details', 'prevHash', 'hash'],
  additionalProperties: false,
  properties: {
    seq: {
      type: 'string',
      pattern: '^[0-9]+$',
      description: 'position in the log (a decimal string: 64-bit)',
    },
    time: { type: 'string', format: 'date-time' },
    actor: { type: 'string' },
    action: { type: 'string' },
    target: { type: ['string', 'null'] },
    ip: { type: ['string', 'null'] },
    requestId: { type: ['string', 'null'] },
    details: { type: 'object', additionalProperties: true },
    prevHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
} as const;

const querySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    actor: { type: 'string', minLength: 1, maxLength: 200 },
    action: { type: 'string', minLength: 1, maxLength: 100, description: 'action prefix, e.g. auth.' },
    target: { type: 'string', minLength: 1, maxLength: 500 },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    requestId: { type: 'string', minLength: 1, maxLength: 200 },
    after: { type: 'string', pattern: '^[0-9]{1,18}$' },
    before: { type: 'string', pattern: '^[0-9]{1,18}$' },
    order: { type: 'string', enum: ['asc', 'desc'] },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
} as const;

interface AuditQuerystring {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
  requestId?: string;
  after?: string;
  before?: string;
  order?: 'asc' | 'desc';
  limit: number;
}

export function presentAuditEntry(e: AuditRecord) {
  return {
    seq: e.seq.toString(),
    time: e.time.toISOString(),
    actor: e.actor,
    action: e.action,
    target: e.target,
    ip: e.ip,
    requestId: e.requestId,
    details: e.details,
    prevHash: e.prevHash.toString('hex'),
    hash: e.hash.toString('hex'),
  };
}

export function registerAuditRoutes(app: FastifyInstance, deps: { audit: AuditRepository }): void {
  app.get<{ Querystring: AuditQuerystring }>(
    '/api/audit',
    {
      config: { policy: 'auditor' },
      schema: {
        tags: ['audit'],
        summary: 'Read the audit log (admins and auditors), filtered and keyset-paged',
        querystring: querySchema,
        response: {
          200: {
            type: 'object',
            required: ['entries', 'next', 'head'],
            additionalProperties: false,
            properties: {
              entries: { type: 'array', items: entrySchema },
              next: {
                type: ['string', 'null'],
                description: 'pass as `after` (ascending) or `before` (descending) for the next page',
              },
              head: {
                type: ['object', 'null'],
                required: ['seq', 'hash'],
                additionalProperties: false,
                properties: { seq: { type: 'string' }, hash: { type: 'string' } },
                description: 'the newest entry: publish its hash elsewhere to detect a rewrite later',
              },
            },
          },
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.after !== undefined && q.before !== undefined) {
        throw appError('VALIDATION_FAILED', 'Use either after or before, not both');
      }
      const order = q.order ?? (q.before !== undefined ? 'desc' : 'asc');
      const entries = await deps.audit.list({
        actor: q.actor,
        actionPrefix: q.action,
        target: q.target,
        requestId: q.requestId,
        from: q.from === undefined ? undefined : new Date(q.from),
        to: q.to === undefined ? undefined : new Date(q.to),
        after: q.after === undefined ? undefined : BigInt(q.after),
        before: q.before === undefined ? undefined : BigInt(q.before),
        order,
        limit: q.limit,
      });
      const head = await deps.audit.head();
      return {
        entries: entries.map(presentAuditEntry),
        next: entries.length === q.limit ? entries.at(-1)!.seq.toString() : null,
        head: head && { seq: head.seq.toString(), hash: head.hash },
      };
    },
  );
}

/**
 * Health endpoints for operators and Kubernetes probes (ARCHITECTURE §7): `/api/health/` for the
 * runbook's `curl -f` (full report, 200/503), `/api/health/live` (process only) and
 * `/api/health/ready` (all readiness gates). They are never rate-limited and never cached.
 */
import type { FastifyInstance } from 'fastify';
import type { HealthMonitor } from '../observability/health.js';

const checkState = { type: 'string', enum: ['ok', 'error'] } as const;

const healthReportSchema = {
  type: 'object',
  required: ['status', 'version', 'uptimeSeconds', 'checks'],
  additionalProperties: false,
  properties: {
    status: checkState,
    version: { type: 'string' },
    uptimeSeconds: { type: 'integer', minimum: 0 },
    checks: {
      type: 'object',
      required: ['database', 'migrations'],
      additionalProperties: false,
      properties: {
        database: {
          type: 'object',
          required: ['status', 'latencyMs'],
          additionalProperties: false,
          properties: {
            status: checkState,
            latencyMs: { type: ['number', 'null'] },
            error: { type: 'string' },
          },
        },
        migrations: {
          type: 'object',
          required: ['status', 'current', 'expected'],
          additionalProperties: false,
          properties: {
            status: checkState,
            current: { type: ['integer', 'null'] },
            expected: { type: ['integer', 'null'] },
            error: { type: 'string' },
          },
        },
      },
    },
  },
} as const;

const readinessSchema = {
  type: 'object',
  required: ['status', 'checks'],
  additionalProperties: false,
  properties: {
    status: checkState,
    checks: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['status'],
        additionalProperties: false,
        properties: { status: checkState, error: { type: 'string' } },
      },
    },
  },
} as const;

const liveSchema = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['ok'] } },
} as const;

export function registerHealthRoutes(app: FastifyInstance, opts: { health: HealthMonitor }): void {
  const { health } = opts;

  app.get(
    '/api/health/',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Full health report: database round trip and migration status',
        response: { 200: healthReportSchema, 503: healthReportSchema },
      },
    },
    async (_request, reply) => {
      const report = await health.health();
      return reply
        .code(report.status === 'ok' ? 200 : 503)
        .header('cache-control', 'no-store')
        .send(report);
    },
  );

  app.get(
    '/api/health/live',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers (no dependency checked)',
        response: { 200: liveSchema },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' as const }),
  );

  app.get(
    '/api/health/ready',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['health'],
        summary:
          'Readiness: database reachable, migrations current, not shutting down (and every other gate)',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const report = await health.readiness();
      return reply
        .code(report.status === 'ok' ? 200 : 503)
        .header('cache-control', 'no-store')
        .send(report);
    },
  );
}

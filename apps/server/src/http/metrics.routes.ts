/**
 * `GET /metrics` in Prometheus text format, on the API port or on a separate METRICS_PORT (see
 * config). With METRICS_TOKEN set, scrapers must send `Authorization: Bearer <token>`; the comparison
 * is constant-time (over SHA-256 digests, so lengths do not leak either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from '../observability/metrics.js';
import { appError } from './error-mapper.js';
import { errorResponses } from './schemas.js';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** True when the request carries `Authorization: Bearer <expected>`. */
export function hasBearerToken(request: Pick<FastifyRequest, 'headers'>, expected: string): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return false;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!), digest(expected));
}

export function registerMetricsRoute(
  app: FastifyInstance,
  opts: { metrics: Metrics; token: string | undefined },
): void {
  const { metrics, token } = opts;
  app.get(
    '/metrics',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (text exposition format)',
        ...(token === undefined ? {} : { security: [{ metricsToken: [] }] }),
        response: {
          200: { type: 'string', description: 'Prometheus text exposition format' },
          ...errorResponses(401),
        },
      },
    },
    async (request, reply) => {
      if (token !== undefined && !hasBearerToken(request, token)) {
        throw appError('UNAUTHORIZED', 'Missing or invalid metrics token', {
          headers: { 'www-authenticate': 'Bearer realm="metrics"' },
        });
      }
      const body = await metrics.render();
      return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(body);
    },
  );
}

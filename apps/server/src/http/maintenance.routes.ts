/**
 * Maintenance mode at the HTTP edge (docs/operations/maintenance.md). An onRequest hook answers
 * every route with 503 MAINTENANCE, the operator's message and `Retry-After`, before any body is
 * read or any token verified — except the health probes, `/metrics` and `GET /api/maintenance`,
 * which keep working so Kubernetes, Prometheus and the web app (which shows officers and voters
 * that voting is paused, since open elections are not extended automatically) still see the
 * service. The state comes from the settings watcher (OperationsState), never from a DB read per
 * request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OperationsState } from '../domain/operations/settings-watcher.js';
import { appError } from './error-mapper.js';

const EXEMPT_PREFIXES = ['/api/health'];
const EXEMPT_ROUTES = new Set(['/metrics', '/api/maintenance']);

export function isMaintenanceExempt(request: FastifyRequest): boolean {
  const route = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  if (EXEMPT_ROUTES.has(route) || EXEMPT_PREFIXES.some((p) => route === p || route.startsWith(`${p}/`))) {
    return true;
  }
  // The web app's own pages and assets (registered routes outside /api and /.well-known, read-only)
  // still load, so people see the app telling them that voting is paused instead of raw JSON;
  // everything they then ask of the API gets the 503 with the operator's message.
  const read = request.method === 'GET' || request.method === 'HEAD';
  const webAppRoute = request.routeOptions.url !== undefined && !/^\/(api|\.well-known)(\/|$)/.test(route);
  return read && webAppRoute && route !== '/metrics';
}

const maintenanceSchema = {
  type: 'object',
  required: ['enabled', 'message', 'since', 'retryAfterSeconds'],
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    message: { type: 'string' },
    since: {
      type: ['string', 'null'],
      description: 'When maintenance was last switched on or off (ISO 8601)',
    },
    retryAfterSeconds: { type: 'integer', minimum: 0 },
  },
} as const;

export function registerMaintenance(app: FastifyInstance, opts: { state: OperationsState }): void {
  app.addHook('onRequest', async (request) => {
    const m = opts.state.maintenance();
    if (!m.enabled || isMaintenanceExempt(request)) return;
    throw appError('MAINTENANCE', m.message, {
      headers: { 'retry-after': String(m.retryAfterSeconds), 'cache-control': 'no-store' },
    });
  });

  app.get(
    '/api/maintenance',
    {
      config: { policy: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Maintenance mode: on or off, the message shown to users, since when',
        response: { 200: maintenanceSchema },
      },
    },
    async (_request, reply) => {
      const m = opts.state.maintenance();
      return reply.header('cache-control', 'no-store').send({
        enabled: m.enabled,
        message: m.message,
        since: m.since,
        retryAfterSeconds: m.retryAfterSeconds,
      });
    },
  );
}

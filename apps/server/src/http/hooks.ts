/**
 * Cross-cutting request hooks: echo the request id, default responses to `Cache-Control: no-store`
 * (ballots, sessions and results must not sit in shared caches; routes that want caching set their own
 * header), and at completion record the metrics and write ONE log line per request with the route
 * template, the path without query string (queries may carry tokens), status and duration. While
 * shutting down, responses carry `Connection: close` so keep-alive clients move to another replica.
 * Probe and scrape traffic (health, metrics) is logged at debug when it succeeds, to keep logs useful.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Metrics, UNMATCHED_ROUTE } from '../observability/metrics.js';
import { errorCodeOf } from './error-handler.js';
import { REQUEST_ID_HEADER } from './request-id.js';

const MAX_LOGGED_PATH = 256;

/** The route template for metrics and logs; never the raw URL (bounded label values). */
export function routeLabel(request: FastifyRequest): string {
  if (request.is404) return UNMATCHED_ROUTE;
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
}

function isProbe(route: string): boolean {
  return route.startsWith('/api/health') || route === '/metrics';
}

export function registerRequestHooks(
  app: FastifyInstance,
  opts: { metrics: Metrics; shuttingDown: () => boolean },
): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    // While draining, do not keep connections alive: the client reconnects to another replica.
    if (opts.shuttingDown()) reply.header('connection', 'close');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = routeLabel(request);
    const status = reply.statusCode;
    const durationMs = reply.elapsedTime;
    opts.metrics.observeRequest(request.method, route, status, durationMs / 1000);
    const line = {
      method: request.method,
      route,
      path: pathOf(request.url),
      status,
      durationMs: Math.round(durationMs * 100) / 100,
      errorCode: errorCodeOf(request),
    };
    if (status >= 500) request.log.error(line, 'request completed');
    else if (status < 400 && isProbe(route)) request.log.debug(line, 'request completed');
    else request.log.info(line, 'request completed');
  });
}

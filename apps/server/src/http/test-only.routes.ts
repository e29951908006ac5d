/**
 * Routes that exist only for tests (the graceful-shutdown process test needs a request that is still
 * running when SIGTERM arrives). They are registered only when a caller passes the explicit
 * `testRoutes` option to buildApp, which refuses it in production; no environment variable turns them on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';

export function registerTestOnlyRoutes(app: FastifyInstance): void {
  app.get(
    '/api/_test/slow',
    {
      config: { policy: 'public' },
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ms: { type: 'integer', minimum: 0, maximum: 60_000, default: 1000 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['sleptMs'],
            additionalProperties: false,
            properties: { sleptMs: { type: 'integer' } },
          },
        },
      },
    },
    async (request) => {
      const { ms } = request.query as { ms: number };
      await sleep(ms);
      return { sleptMs: ms };
    },
  );
}

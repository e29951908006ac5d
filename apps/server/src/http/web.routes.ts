/**
 * Serves the browser app (apps/web, built by Vite into apps/web/dist) from the Electra server itself,
 * so one command shows the whole product. Only the app's own paths are routes: its hashed assets
 * (immutable, cached for a year), the top-level public files, `/` and the client-side routes of
 * apps/web/src/main.ts, which all answer index.html (no-cache, so a new deployment is picked up at
 * once). Every other path keeps the API's JSON 404. The CSP of app.ts applies: the app has no
 * inline script or style, and its crypto runs as WASM in workers ('wasm-unsafe-eval').
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Client-side routes (apps/web/src/main.ts) that a reload or a shared link must land on. */
export const WEB_APP_PATHS = [
  '/',
  '/login',
  '/forgot',
  '/reset-password',
  '/elections',
  '/elections/:id',
  '/verify',
  '/vote/:id',
  '/e/:id',
  '/e/:id/receipt',
  '/e/:id/results',
  '/e/:id/board',
  '/e/:id/trustee',
  '/e/:id/ceremony',
  '/admin',
  '/admin/users',
  '/admin/audit',
  '/admin/elections/new',
  '/admin/elections/:id',
  '/admin/elections/:id/edit',
] as const;

/** apps/web/dist next to this package, from src/http (tsx) or dist/http (built). */
export function defaultWebRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
}

/** True when `root` holds a built app (index.html). */
export function hasWebApp(root: string): boolean {
  return existsSync(join(root, 'index.html'));
}

const fileResponse = {
  200: { type: 'string', description: 'file contents' },
  404: { $ref: 'ErrorResponse#' },
} as const;

export async function registerWebApp(app: FastifyInstance, options: { root: string }): Promise<void> {
  const root = resolve(options.root);
  await app.register(fastifyStatic, { root, serve: false, decorateReply: true });

  const sendIndex = (reply: FastifyReply) =>
    reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .sendFile('index.html', root, { cacheControl: false });

  for (const path of WEB_APP_PATHS) {
    app.get(path, {
      config: { policy: 'public' },
      schema: { hide: true, response: { 200: { type: 'string', description: 'the web app (index.html)' } } },
      handler: (_request, reply) => sendIndex(reply),
    });
  }

  // Content-hashed build output: safe to cache forever.
  app.get<{ Params: { '*': string } }>('/assets/*', {
    config: { policy: 'public' },
    schema: { hide: true, response: fileResponse },
    handler: (request, reply) =>
      reply.sendFile(`assets/${request.params['*']}`, root, {
        cacheControl: true,
        maxAge: 31_536_000_000,
        immutable: true,
      }),
  });

  // Unhashed top-level files (favicon…): revalidated on each use.
  for (const name of readdirSync(root)) {
    if (name === 'index.html' || name.startsWith('.') || !statSync(join(root, name)).isFile()) continue;
    app.get(`/${name}`, {
      config: { policy: 'public' },
      schema: { hide: true, response: fileResponse },
      handler: (_request, reply) =>
        reply.header('cache-control', 'no-cache').sendFile(name, root, { cacheControl: false }),
    });
  }
}

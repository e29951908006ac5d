/**
 * The authenticated caller of a request, for handlers of routes whose policy already refused
 * anonymous callers (policies/route-policy.ts). The authentication hook sets `request.actor`.
 */
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../policies/types.js';
import { appError } from './error-mapper.js';

export function actorOf(request: FastifyRequest): Actor | null {
  return (request as unknown as { actor?: Actor | null }).actor ?? null;
}

export function requireActor(request: FastifyRequest): Actor {
  const actor = actorOf(request);
  if (!actor) throw appError('UNAUTHORIZED', 'Sign in first');
  return actor;
}

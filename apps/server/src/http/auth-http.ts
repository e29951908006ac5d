/**
 * Small helpers shared by the identity route files: the request context handed to the auth service,
 * per-IP rate limiting as a route hook (counters shared by every replica), the 429 for a locked
 * account, and the presentation of a session.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthModule, AuthRateLimitName } from '../domain/auth/auth-module.js';
import type { RequestContext, SessionTokens } from '../domain/auth/auth-service.js';
import type { User } from '../domain/users/user.js';
import type { AppError } from './app-error.js';
import { appError } from './error-mapper.js';

export function contextOf(request: FastifyRequest): RequestContext {
  return { ip: request.ip, requestId: String(request.id), log: request.log };
}

const retryAfter = (ms: number) => ({ 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) });

/** Route `onRequest` hook: at most `limit` requests per window per client IP for this route group. */
export function ipRateLimit(auth: AuthModule, name: AuthRateLimitName) {
  const rule = auth.rateLimits[name];
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const r = await auth.rateLimiter.hit(`auth:${name}:${request.ip}`, rule.limit, rule.windowMs);
    if (r.allowed) return;
    request.log.warn(
      { event: 'auth.rate_limited', limit: name, ip: request.ip, count: r.count },
      `rate limit exceeded: ${name} failed for this address`,
    );
    throw appError('RATE_LIMITED', 'Too many requests from this address; try again later', {
      headers: retryAfter(r.resetInMs),
    });
  };
}

export function lockedError(retryAfterMs: number): AppError {
  return appError('TOO_MANY_ATTEMPTS', 'Too many failed attempts; try again later', {
    headers: retryAfter(retryAfterMs),
  });
}

export function invalidCredentials(): AppError {
  return appError('INVALID_CREDENTIALS', 'Invalid login or password');
}

export function presentSession(tokens: SessionTokens, user?: User) {
  return {
    status: 'ok' as const,
    tokenType: 'Bearer' as const,
    accessToken: tokens.accessToken,
    expiresIn: tokens.expiresIn,
    refreshToken: tokens.refreshToken,
    refreshExpiresAt: new Date(tokens.refreshExpiresAt).toISOString(),
    ...(user ? { user } : {}),
  };
}

/** Session answers carry credentials: never cached by browsers or proxies. */
export function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
}

/**
 * Sign-in, session and key routes: login, refresh (rotating), logout, me, and the public JWKS.
 * Validate → (policy hook) → domain → present; every outcome is mapped here, once. Unknown account
 * and wrong password produce the very same 401 body.
 */
import type { FastifyInstance } from 'fastify';
import type { AuthModule } from '../domain/auth/auth-module.js';
import { publicUser } from '../domain/auth/auth-service.js';
import {
  jwksResponseSchema,
  loginBodySchema,
  loginResponseSchema,
  logoutBodySchema,
  refreshBodySchema,
  sessionResponseSchema,
  userSchema,
} from './auth.schemas.js';
import { registerAuthAccountRoutes } from './auth-account.routes.js';
import {
  contextOf,
  invalidCredentials,
  ipRateLimit,
  lockedError,
  noStore,
  presentSession,
} from './auth-http.js';
import { registerAuthentication } from './authenticate.js';
import { appError } from './error-mapper.js';
import { requireActor } from './request-actor.js';
import { errorResponses } from './schemas.js';

export function registerAuthRoutes(app: FastifyInstance, auth: AuthModule): void {
  const tags = ['auth'];

  app.post<{ Body: { login: string; password: string } }>(
    '/api/auth/login',
    {
      config: { policy: 'public' },
      onRequest: ipRateLimit(auth, 'login'),
      schema: {
        tags,
        summary: 'Sign in with email or identifier and password',
        body: loginBodySchema,
        response: { 200: loginResponseSchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      noStore(reply);
      auth.sweeper.maybeSweep((err) => request.log.warn({ err }, 'identity housekeeping failed'));
      const r = await auth.service.login(request.body.login, request.body.password, contextOf(request));
      switch (r.status) {
        case 'ok':
          return presentSession(r.tokens, r.user);
        case 'mfa_required':
          return { status: r.status, mfaToken: r.mfaToken, expiresIn: r.expiresIn };
        case 'mfa_enrollment_required':
          return { status: r.status, enrollmentToken: r.enrollmentToken, expiresIn: r.expiresIn };
        case 'locked':
          throw lockedError(r.retryAfterMs);
        default:
          throw invalidCredentials();
      }
    },
  );

  app.post<{ Body: { refreshToken: string } }>(
    '/api/auth/refresh',
    {
      config: { policy: 'public' },
      onRequest: ipRateLimit(auth, 'refresh'),
      schema: {
        tags,
        summary: 'Exchange a refresh token for new tokens (the presented one is spent)',
        body: refreshBodySchema,
        response: { 200: sessionResponseSchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      noStore(reply);
      const r = await auth.service.refresh(request.body.refreshToken, contextOf(request));
      if (r.status !== 'ok') throw appError('UNAUTHORIZED', 'Refresh token is not valid; sign in again');
      return presentSession(r.tokens);
    },
  );

  app.post<{ Body: { refreshToken?: string } }>(
    '/api/auth/logout',
    {
      config: { policy: 'public' },
      onRequest: ipRateLimit(auth, 'refresh'),
      schema: {
        tags,
        summary: 'End the session of this refresh token (and/or of the bearer access token)',
        body: logoutBodySchema,
        response: { 204: { type: 'null', description: 'Signed out' }, ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await auth.service.logout(
        request.body?.refreshToken,
        request.actor?.sessionId ?? null,
        contextOf(request),
      );
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { policy: 'authenticated' },
      schema: {
        tags,
        summary: 'The signed-in user, this session and the MFA state',
        response: {
          200: {
            type: 'object',
            required: ['user', 'session', 'mfa'],
            additionalProperties: false,
            properties: {
              user: userSchema,
              session: {
                type: 'object',
                required: ['id', 'mfa'],
                additionalProperties: false,
                properties: { id: { type: 'string' }, mfa: { type: 'boolean' } },
              },
              mfa: {
                type: 'object',
                required: ['enrolled', 'required', 'recoveryCodesRemaining'],
                additionalProperties: false,
                properties: {
                  enrolled: { type: 'boolean' },
                  required: { type: 'boolean' },
                  recoveryCodesRemaining: { type: 'integer' },
                },
              },
            },
          },
          ...errorResponses(401),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const user = await auth.users.findById(actor.userId);
      if (!user || user.disabled) throw appError('UNAUTHORIZED', 'Sign in first');
      const enrolled = await auth.mfa.isEnrolled(user.id);
      return {
        user: publicUser(user),
        session: { id: actor.sessionId, mfa: actor.mfa },
        mfa: {
          enrolled,
          required: auth.service.requiresMfa(user.roles),
          recoveryCodesRemaining: enrolled ? await auth.mfa.remainingRecoveryCodes(user.id) : 0,
        },
      };
    },
  );

  app.get(
    '/.well-known/jwks.json',
    {
      config: { policy: 'public' },
      schema: {
        tags,
        summary: 'Public keys that verify access tokens (current and recently retired)',
        response: { 200: jwksResponseSchema },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return auth.keyRing.jwks();
    },
  );
}

/**
 * Everything identity adds to the app: the authentication hook, then the routes. Call before any
 * route that needs `request.actor` is registered, and before `ready()`.
 */
export function registerIdentity(app: FastifyInstance, auth: AuthModule): void {
  registerAuthentication(app, { tokens: auth.tokens, sessions: auth.sessions });
  registerAuthRoutes(app, auth);
  registerAuthAccountRoutes(app, auth);
}

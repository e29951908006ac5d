/**
 * Password and second-factor routes: change, forgot (always 202, the same for unknown emails), reset
 * by emailed code; MFA challenge completion, enrolment (secret + otpauth URI, then confirmation that
 * returns the recovery codes once) and an admin's reset of someone's MFA.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthModule } from '../domain/auth/auth-module.js';
import {
  forgotBodySchema,
  loginResponseSchema,
  mfaConfirmBodySchema,
  mfaVerifyBodySchema,
  passwordChangeBodySchema,
  resetBodySchema,
  sessionResponseSchema,
  sessionTokensProperties,
  statusResponseSchema,
} from './auth.schemas.js';
import {
  contextOf,
  invalidCredentials,
  ipRateLimit,
  lockedError,
  noStore,
  presentSession,
} from './auth-http.js';
import { appError } from './error-mapper.js';
import { requireActor } from './request-actor.js';
import { errorResponses, idParamsSchema } from './schemas.js';

/** Who may enrol: a signed-in user, or the holder of an enrolment-only token. */
function enrollee(request: FastifyRequest): { userId: string; viaEnrollmentToken: boolean } {
  if (request.actor) return { userId: request.actor.userId, viaEnrollmentToken: false };
  if (request.enrollment) return { userId: request.enrollment.userId, viaEnrollmentToken: true };
  request.log.warn({ event: 'auth.mfa_enroll_denied' }, 'unauthorized: MFA enrolment without a session');
  throw appError('UNAUTHORIZED', 'Sign in first');
}

export function registerAuthAccountRoutes(app: FastifyInstance, auth: AuthModule): void {
  const tags = ['auth'];

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/api/auth/password/change',
    {
      config: { policy: 'authenticated' },
      onRequest: ipRateLimit(auth, 'password_change'),
      schema: {
        tags,
        summary: 'Change the password; every other session ends and a new one is returned',
        body: passwordChangeBodySchema,
        response: { 200: sessionResponseSchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      noStore(reply);
      const actor = requireActor(request);
      const { currentPassword, newPassword } = request.body;
      const r = await auth.service.changePassword(
        actor.userId,
        actor.mfa,
        currentPassword,
        newPassword,
        contextOf(request),
      );
      if (r.status === 'ok') return presentSession(r.tokens);
      if (r.status === 'locked') throw lockedError(r.retryAfterMs);
      if (r.status === 'policy') throw appError(r.code, r.message);
      throw invalidCredentials();
    },
  );

  app.post<{ Body: { email: string } }>(
    '/api/auth/password/forgot',
    {
      config: { policy: 'public' },
      onRequest: ipRateLimit(auth, 'password_forgot'),
      schema: {
        tags,
        summary: 'Email a reset code if the account exists (the answer is the same either way)',
        body: forgotBodySchema,
        response: { 202: statusResponseSchema, ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await auth.service.forgotPassword(request.body.email, contextOf(request));
      return reply.code(202).send({ status: 'accepted' });
    },
  );

  app.post<{ Body: { email: string; code: string; newPassword: string } }>(
    '/api/auth/password/reset',
    {
      config: { policy: 'public' },
      onRequest: ipRateLimit(auth, 'password_reset'),
      schema: {
        tags,
        summary: 'Set a new password with the emailed code (single use, 15 minutes); all sessions end',
        body: resetBodySchema,
        response: { 200: statusResponseSchema, ...errorResponses(400, 429) },
      },
    },
    async (request) => {
      const { email, code, newPassword } = request.body;
      const r = await auth.service.resetPassword(email, code, newPassword, contextOf(request));
      if (r.status === 'ok') return { status: 'ok' };
      if (r.status === 'policy') throw appError(r.code, r.message);
      throw appError('RESET_CODE_INVALID', 'The reset code is wrong, used or expired; request a new one');
    },
  );

  app.post<{ Body: { mfaToken: string; code?: string; recoveryCode?: string } }>(
    '/api/auth/mfa/verify',
    {
      config: { policy: 'public' },
      onRequest: ipRateLimit(auth, 'mfa'),
      schema: {
        tags,
        summary: 'Complete a sign-in with a TOTP code or a recovery code',
        body: mfaVerifyBodySchema,
        response: { 200: loginResponseSchema, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      noStore(reply);
      const { mfaToken, code, recoveryCode } = request.body;
      if (!code === !recoveryCode)
        throw appError('VALIDATION_FAILED', 'Send exactly one of code or recoveryCode');
      const r = await auth.service.verifyMfa(mfaToken, { code, recoveryCode }, contextOf(request));
      if (r.status === 'ok') return presentSession(r.tokens, r.user);
      if (r.status === 'locked') throw lockedError(r.retryAfterMs);
      throw appError('MFA_CHALLENGE_FAILED', 'The code is not valid');
    },
  );

  app.post(
    '/api/auth/mfa/enroll',
    {
      // Public at the policy level because an enrolment-only token (which satisfies no policy) must
      // reach it; the handler requires a session or that token.
      config: { policy: 'public' },
      onRequest: ipRateLimit(auth, 'mfa'),
      schema: {
        tags,
        summary: 'Start TOTP enrolment: a new secret and its otpauth:// URI (for a QR code)',
        response: {
          200: {
            type: 'object',
            required: ['secret', 'otpauthUri'],
            additionalProperties: false,
            properties: { secret: { type: 'string' }, otpauthUri: { type: 'string' } },
          },
          ...errorResponses(401, 409, 429),
        },
      },
    },
    async (request, reply) => {
      noStore(reply);
      const who = enrollee(request);
      const user = await auth.users.findById(who.userId);
      if (!user || user.disabled) throw appError('UNAUTHORIZED', 'Sign in first');
      const r = await auth.mfa.beginEnrollment(user.id, user.email);
      if (!r.ok) throw appError(r.code, 'MFA is already enrolled; an admin can reset it');
      return { secret: r.secret, otpauthUri: r.otpauthUri };
    },
  );

  app.post<{ Body: { code: string } }>(
    '/api/auth/mfa/confirm',
    {
      config: { policy: 'public' },
      onRequest: ipRateLimit(auth, 'mfa'),
      schema: {
        tags,
        summary: 'Confirm TOTP enrolment with a first code; returns the recovery codes (shown once)',
        body: mfaConfirmBodySchema,
        response: {
          200: {
            type: 'object',
            required: ['recoveryCodes'],
            additionalProperties: false,
            properties: {
              recoveryCodes: { type: 'array', items: { type: 'string' } },
              status: { type: 'string', enum: ['ok'] },
              ...sessionTokensProperties,
            },
          },
          ...errorResponses(400, 401, 409, 429),
        },
      },
    },
    async (request, reply) => {
      noStore(reply);
      const who = enrollee(request);
      const r = await auth.mfa.confirmEnrollment(who.userId, request.body.code);
      if (!r.ok) {
        if (r.code === 'MFA_NOT_PENDING') throw appError(r.code, 'No MFA enrolment is in progress');
        request.log.warn(
          { event: 'auth.mfa_confirm_failed', userId: who.userId },
          'MFA confirmation failed: unauthorized code',
        );
        throw appError(r.code, 'The code is not valid; check the device clock and try again');
      }
      const ctx = contextOf(request);
      await auth.audit.append({
        actor: who.userId,
        action: 'auth.mfa_enrolled',
        target: `user:${who.userId}`,
        ip: ctx.ip,
        requestId: ctx.requestId,
      });
      if (!who.viaEnrollmentToken) return { recoveryCodes: r.recoveryCodes };
      const tokens = await auth.service.completeEnrollmentSession(who.userId, ctx);
      if (!tokens) throw appError('UNAUTHORIZED', 'Sign in first');
      return { recoveryCodes: r.recoveryCodes, ...presentSession(tokens) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/users/:id/mfa/reset',
    {
      config: { policy: 'admin' },
      schema: {
        tags: ['users'],
        summary: "Remove a user's MFA enrolment (they enrol again at next sign-in) and end their sessions",
        params: idParamsSchema,
        response: {
          200: {
            type: 'object',
            required: ['reset', 'revokedSessions'],
            additionalProperties: false,
            properties: { reset: { type: 'boolean' }, revokedSessions: { type: 'integer' } },
          },
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request);
      const user = await auth.users.findById(request.params.id);
      if (!user) throw appError('USER_NOT_FOUND', 'No such user');
      return resetMfa(auth, user.id, actor.userId, contextOf(request));
    },
  );
}

async function resetMfa(
  auth: AuthModule,
  userId: string,
  adminId: string,
  ctx: ReturnType<typeof contextOf>,
): Promise<{ reset: boolean; revokedSessions: number }> {
  return auth.withTransaction('users.mfa_reset', async (tx) => {
    const reset = await auth.mfa.reset(userId, tx);
    const revokedSessions = await auth.sessions.revokeUserSessions(userId, 'mfa_reset', tx);
    await auth.audit.append(
      {
        actor: adminId,
        action: 'user.mfa_reset',
        target: `user:${userId}`,
        ip: ctx.ip,
        requestId: ctx.requestId,
        details: { reset, revokedSessions },
      },
      tx,
    );
    ctx.log.info({ event: 'user.mfa_reset', userId, by: adminId }, 'MFA reset by an admin');
    return { reset, revokedSessions };
  });
}

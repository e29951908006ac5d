/**
 * Authentication hook: turns `Authorization: Bearer <access token>` into `request.actor` (or null)
 * before any route policy runs (policies/route-policy.ts reads it in preValidation). A token that
 * fails verification — bad signature, alg other than EdDSA, unknown kid, expired, revoked, session
 * ended — leaves the actor null, so protected routes answer 401, and is logged once with its reason
 * and the word `unauthorized`. An MFA-enrolment token sets `request.enrollment` instead: it can only
 * drive the two enrolment routes, never satisfy a policy.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SessionService } from '../domain/auth/session-service.js';
import type { TokenService } from '../domain/auth/token-service.js';
import type { Actor, Role } from '../policies/types.js';

export interface EnrollmentPrincipal {
  userId: string;
  roles: Role[];
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    enrollment: EnrollmentPrincipal | null;
  }
}

export function bearerToken(request: FastifyRequest): string | null | 'malformed' {
  const h = request.headers.authorization;
  if (h === undefined) return null;
  const m = /^Bearer +([A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]*)$/i.exec(h.trim());
  return m ? m[1]! : 'malformed';
}

export function registerAuthentication(
  app: FastifyInstance,
  deps: { tokens: TokenService; sessions: SessionService },
): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('enrollment', null);
  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request);
    if (token === null) return;
    const reject = (reason: string) =>
      request.log.warn(
        { event: 'auth.token_rejected', reason },
        `unauthorized: bearer token rejected (${reason})`,
      );
    if (token === 'malformed') return reject('MALFORMED_HEADER');
    const v = await deps.tokens.verify(token, 'access');
    if (v.ok) {
      if (!(await deps.sessions.isActive(v.claims.sessionId!))) return reject('SESSION_REVOKED');
      request.actor = Object.freeze({
        userId: v.claims.userId,
        roles: Object.freeze([...v.claims.roles]),
        sessionId: v.claims.sessionId!,
        mfa: v.claims.mfa,
      });
      return;
    }
    if (v.reason === 'CLAIMS_INVALID') {
      const e = await deps.tokens.verify(token, 'mfa_enrollment');
      if (e.ok) {
        request.enrollment = { userId: e.claims.userId, roles: e.claims.roles };
        return;
      }
    }
    reject(v.reason);
  });
}

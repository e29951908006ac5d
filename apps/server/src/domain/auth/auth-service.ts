/**
 * Sign-in and everything around it, as domain operations with typed outcomes (the HTTP layer maps
 * them to statuses once). Unknown accounts and wrong passwords take the same path — a dummy argon2
 * verification, the same failure counter, the same outcome — so neither the answer nor its timing
 * tells them apart. Every failure is logged with the words `failed` and `unauthorized` (the request
 * logger adds reqId) and appended to the audit log; passwords and codes never reach either.
 */

import type { Role } from '../../policies/types.js';
import type { Database } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import type { Mailer } from '../mail/mailer.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import { checkPassword, type PasswordPolicyCode } from '../users/password-policy.js';
import type { User, UserAuth } from '../users/user.js';
import type { UsersRepository } from '../users/users.repository.js';
import type { Clock } from './clock.js';
import { type LoginThrottle, subjectForUnknownLogin, subjectForUser } from './login-throttle.js';
import type { MfaService } from './mfa-service.js';
import type { PasswordResetCodes } from './password-reset.js';
import type { SessionService } from './session-service.js';
import type { TokenService } from './token-service.js';

export interface AuthLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Who is asking, for logs and the audit trail. */
export interface RequestContext {
  ip: string;
  requestId: string;
  log: AuthLog;
}

export interface SessionTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: number;
  sessionId: string;
}

export type LoginOutcome =
  | { status: 'ok'; tokens: SessionTokens; user: User }
  | { status: 'mfa_required'; mfaToken: string; expiresIn: number }
  | { status: 'mfa_enrollment_required'; enrollmentToken: string; expiresIn: number }
  | { status: 'invalid' }
  | { status: 'locked'; retryAfterMs: number };

export type PasswordChangeOutcome =
  | { status: 'ok'; tokens: SessionTokens }
  | { status: 'invalid' }
  | { status: 'locked'; retryAfterMs: number }
  | { status: 'policy'; code: PasswordPolicyCode; message: string };

export type ResetOutcome =
  | { status: 'ok' }
  | { status: 'invalid' }
  | { status: 'policy'; code: PasswordPolicyCode; message: string };

export interface AuthServiceDeps {
  db: Database;
  users: UsersRepository;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  sessions: SessionService;
  tokens: TokenService;
  mfa: MfaService;
  resetCodes: PasswordResetCodes;
  mailer: Mailer;
  audit: AuditSink;
  clock: Clock;
  mfaRequiredRoles: readonly Role[];
  /** Base URL of the web app, for links in mail (e.g. https://vote.example.org). */
  publicUrl: string;
}

export function publicUser(u: UserAuth | User): User {
  const { passwordHash: _omit, ...rest } = u as UserAuth;
  return rest;
}

export function createAuthService(d: AuthServiceDeps) {
  const requiresMfa = (roles: readonly Role[]) => roles.some((r) => d.mfaRequiredRoles.includes(r));

  async function failure(
    ctx: RequestContext,
    action: string,
    reason: string,
    user: UserAuth | null,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    ctx.log.warn(
      { event: action, reason, userId: user?.id, ip: ctx.ip, ...extra },
      `${action.replace('auth.', '').replace(/_failed$/, '')} failed: unauthorized (${reason})`,
    );
    await d.audit.append({
      actor: user?.id ?? 'anonymous',
      action,
      target: user ? `user:${user.id}` : null,
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { reason, ...extra },
    });
  }

  async function startSession(
    user: UserAuth | User,
    mfa: boolean,
    ctx: RequestContext,
  ): Promise<SessionTokens> {
    const issued = await d.sessions.start(user.id, mfa);
    const access = await d.tokens.issue('access', {
      userId: user.id,
      roles: user.roles,
      sessionId: issued.sessionId,
      mfa,
    });
    await d.audit.append({
      actor: user.id,
      action: 'auth.login',
      target: `user:${user.id}`,
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { sessionId: issued.sessionId, mfa },
    });
    ctx.log.info(
      { event: 'auth.login', userId: user.id, sessionId: issued.sessionId, mfa },
      'login succeeded',
    );
    return {
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: issued.refreshToken,
      refreshExpiresAt: issued.refreshExpiresAt,
      sessionId: issued.sessionId,
    };
  }

  /** Password check shared by login and password change; counts failures, honours locks. */
  async function checkCredentials(
    user: UserAuth | null,
    subject: string,
    password: string,
  ): Promise<
    | { status: 'ok' }
    | { status: 'invalid'; reason: string; lockedNow: boolean }
    | { status: 'locked'; retryAfterMs: number }
  > {
    const lock = await d.throttle.check(subject);
    if (lock.locked) return { status: 'locked', retryAfterMs: lock.retryAfterMs };
    let reason: string | null = null;
    if (!user?.passwordHash) {
      await d.hasher.dummyVerify(password);
      reason = user ? 'no_password_set' : 'unknown_account';
    } else if (!(await d.hasher.verify(user.passwordHash, password))) reason = 'wrong_password';
    else if (user.disabled) reason = 'account_disabled';
    if (reason) {
      const after = await d.throttle.fail(subject);
      return { status: 'invalid', reason, lockedNow: after.locked };
    }
    return { status: 'ok' };
  }

  return {
    requiresMfa,

    async login(login: string, password: string, ctx: RequestContext): Promise<LoginOutcome> {
      const user = await d.users.findByLogin(login);
      const subject = user ? subjectForUser(user.id) : subjectForUnknownLogin(login);
      const check = await checkCredentials(user, subject, password);
      if (check.status === 'locked') {
        await failure(ctx, 'auth.login_failed', 'locked', user, { retryAfterMs: check.retryAfterMs });
        return check;
      }
      if (check.status === 'invalid') {
        await failure(ctx, 'auth.login_failed', check.reason, user, check.lockedNow ? { locked: true } : {});
        return { status: 'invalid' };
      }
      const u = user!;
      await d.throttle.succeed(subject);
      if (d.hasher.needsRehash(u.passwordHash!))
        await d.users.setPasswordHash(u.id, await d.hasher.hash(password));
      if (await d.mfa.isEnrolled(u.id)) {
        const t = await d.tokens.issue('mfa_challenge', { userId: u.id, roles: u.roles, mfa: false });
        ctx.log.info(
          { event: 'auth.mfa_challenge', userId: u.id },
          'password accepted, second factor required',
        );
        return { status: 'mfa_required', mfaToken: t.token, expiresIn: t.expiresIn };
      }
      if (requiresMfa(u.roles)) {
        const t = await d.tokens.issue('mfa_enrollment', { userId: u.id, roles: u.roles, mfa: false });
        ctx.log.info(
          { event: 'auth.mfa_enrollment_required', userId: u.id },
          'password accepted, MFA enrolment required',
        );
        return { status: 'mfa_enrollment_required', enrollmentToken: t.token, expiresIn: t.expiresIn };
      }
      return { status: 'ok', tokens: await startSession(u, false, ctx), user: publicUser(u) };
    },

    async verifyMfa(
      mfaToken: string,
      input: { code?: string; recoveryCode?: string },
      ctx: RequestContext,
    ): Promise<LoginOutcome> {
      const v = await d.tokens.verify(mfaToken, 'mfa_challenge');
      if (!v.ok) {
        await failure(ctx, 'auth.mfa_failed', `challenge_token_${v.reason.toLowerCase()}`, null);
        return { status: 'invalid' };
      }
      const user = await d.users.findById(v.claims.userId);
      if (!user || user.disabled) {
        await failure(ctx, 'auth.mfa_failed', 'account_unavailable', user);
        return { status: 'invalid' };
      }
      const subject = subjectForUser(user.id);
      const lock = await d.throttle.check(subject);
      if (lock.locked) {
        await failure(ctx, 'auth.mfa_failed', 'locked', user);
        return { status: 'locked', retryAfterMs: lock.retryAfterMs };
      }
      const r = await d.mfa.verify(user.id, input);
      if (!r.ok) {
        await d.throttle.fail(subject);
        await failure(ctx, 'auth.mfa_failed', r.reason, user);
        return { status: 'invalid' };
      }
      await d.throttle.succeed(subject);
      if (r.method === 'recovery_code') {
        ctx.log.warn({ event: 'auth.recovery_code_used', userId: user.id }, 'MFA recovery code used');
      }
      return { status: 'ok', tokens: await startSession(user, true, ctx), user: publicUser(user) };
    },

    /** Enrolment completed with an enrolment-only token: the user now gets a full MFA session. */
    async completeEnrollmentSession(userId: string, ctx: RequestContext): Promise<SessionTokens | null> {
      const user = await d.users.findById(userId);
      if (!user || user.disabled) return null;
      return startSession(user, true, ctx);
    },

    async refresh(
      refreshToken: string,
      ctx: RequestContext,
    ): Promise<{ status: 'ok'; tokens: SessionTokens } | { status: 'invalid' }> {
      const r = await d.sessions.rotate(refreshToken);
      if (!r.ok) {
        if (r.reason === 'reused') {
          ctx.log.warn(
            { event: 'auth.refresh_reuse', userId: r.userId, sessionId: r.sessionId, ip: ctx.ip },
            'suspicious refresh token reuse: session revoked',
          );
          await d.audit.append({
            actor: r.userId ?? 'anonymous',
            action: 'auth.refresh_reuse',
            target: r.userId ? `user:${r.userId}` : null,
            ip: ctx.ip,
            requestId: ctx.requestId,
            details: { sessionId: r.sessionId },
          });
        } else {
          ctx.log.warn(
            { event: 'auth.refresh_failed', reason: r.reason },
            `refresh failed: unauthorized (${r.reason})`,
          );
        }
        return { status: 'invalid' };
      }
      const user = await d.users.findById(r.userId);
      // A disabled account, or one that gained an MFA-required role after a password-only sign-in,
      // must sign in again.
      if (!user || user.disabled || (requiresMfa(user.roles) && !r.mfa)) {
        await d.sessions.revokeSession(r.sessionId, 'reauthentication_required');
        ctx.log.warn(
          { event: 'auth.refresh_failed', userId: r.userId },
          'refresh failed: unauthorized (sign in again)',
        );
        return { status: 'invalid' };
      }
      const access = await d.tokens.issue('access', {
        userId: user.id,
        roles: user.roles,
        sessionId: r.sessionId,
        mfa: r.mfa,
      });
      return {
        status: 'ok',
        tokens: {
          accessToken: access.token,
          expiresIn: access.expiresIn,
          refreshToken: r.refreshToken,
          refreshExpiresAt: r.refreshExpiresAt,
          sessionId: r.sessionId,
        },
      };
    },

    async logout(
      refreshToken: string | undefined,
      sessionId: string | null,
      ctx: RequestContext,
    ): Promise<void> {
      let ended: { sessionId: string; userId: string | null } | null = null;
      if (refreshToken) ended = await d.sessions.revokeByRefreshToken(refreshToken);
      if (sessionId) {
        await d.sessions.revokeSession(sessionId, 'logout');
        ended ??= { sessionId, userId: null };
      }
      if (!ended) return;
      await d.audit.append({
        actor: ended.userId ?? 'anonymous',
        action: 'auth.logout',
        target: ended.userId ? `user:${ended.userId}` : null,
        ip: ctx.ip,
        requestId: ctx.requestId,
        details: { sessionId: ended.sessionId },
      });
    },

    async changePassword(
      userId: string,
      sessionMfa: boolean,
      current: string,
      next: string,
      ctx: RequestContext,
    ): Promise<PasswordChangeOutcome> {
      const user = await d.users.findById(userId);
      const subject = subjectForUser(userId);
      const check = await checkCredentials(user, subject, current);
      if (check.status === 'locked') {
        await failure(ctx, 'auth.password_change_failed', 'locked', user);
        return check;
      }
      if (check.status === 'invalid') {
        await failure(ctx, 'auth.password_change_failed', check.reason, user);
        return { status: 'invalid' };
      }
      const u = user!;
      const policy = checkPassword(next, { email: u.email, identifiers: u.identifiers.map((i) => i.value) });
      if (!policy.ok) return { status: 'policy', code: policy.code, message: policy.message };
      const hash = await d.hasher.hash(next);
      await d.db.transaction('auth.password_change', async (tx) => {
        await d.users.setPasswordHash(u.id, hash, tx);
        await d.sessions.revokeUserSessions(u.id, 'password_changed', tx);
        await d.throttle.succeed(subject, tx);
        await d.audit.append(
          {
            actor: u.id,
            action: 'auth.password_changed',
            target: `user:${u.id}`,
            ip: ctx.ip,
            requestId: ctx.requestId,
          },
          tx,
        );
      });
      return { status: 'ok', tokens: await startSession(u, sessionMfa, ctx) };
    },

    async forgotPassword(email: string, ctx: RequestContext): Promise<void> {
      const user = await d.users.findByEmail(email);
      if (!user || user.disabled) {
        ctx.log.info({ event: 'auth.password_reset_requested', known: false }, 'password reset requested');
        return;
      }
      const code = await d.resetCodes.issue(user.id);
      if (!code) {
        ctx.log.info(
          { event: 'auth.password_reset_requested', userId: user.id, throttled: true },
          'password reset requested',
        );
        return;
      }
      const link = `${d.publicUrl.replace(/\/$/, '')}/reset-password?email=${encodeURIComponent(user.email)}&code=${code}`;
      await d.mailer.send({
        to: user.email,
        subject: 'Electra: reset your password',
        text:
          `Hello ${user.fullName},\n\nSomeone (hopefully you) asked to reset the password of your Electra account.\n\n` +
          `Reset code: ${code}\nOr open: ${link}\n\nThe code works once and expires in 15 minutes. ` +
          `If you did not ask for this, ignore this message; your password is unchanged.\n`,
      });
      await d.audit.append({
        actor: 'anonymous',
        action: 'auth.password_reset_requested',
        target: `user:${user.id}`,
        ip: ctx.ip,
        requestId: ctx.requestId,
      });
      ctx.log.info({ event: 'auth.password_reset_requested', userId: user.id }, 'password reset requested');
    },

    async resetPassword(
      email: string,
      code: string,
      next: string,
      ctx: RequestContext,
    ): Promise<ResetOutcome> {
      const user = await d.users.findByEmail(email);
      const id = user && !user.disabled ? await d.resetCodes.match(user.id, code) : null;
      if (!user || !id) {
        await failure(ctx, 'auth.password_reset_failed', user ? 'code_invalid' : 'unknown_account', user);
        return { status: 'invalid' };
      }
      const policy = checkPassword(next, {
        email: user.email,
        identifiers: user.identifiers.map((i) => i.value),
      });
      if (!policy.ok) return { status: 'policy', code: policy.code, message: policy.message };
      const hash = await d.hasher.hash(next);
      const done = await d.db.transaction('auth.password_reset', async (tx) => {
        if (!(await d.resetCodes.consume(id, tx))) return false;
        await d.users.setPasswordHash(user.id, hash, tx);
        await d.sessions.revokeUserSessions(user.id, 'password_reset', tx);
        await d.throttle.succeed(subjectForUser(user.id), tx);
        await d.audit.append(
          {
            actor: user.id,
            action: 'auth.password_reset',
            target: `user:${user.id}`,
            ip: ctx.ip,
            requestId: ctx.requestId,
          },
          tx,
        );
        return true;
      });
      if (!done) {
        await failure(ctx, 'auth.password_reset_failed', 'code_spent', user);
        return { status: 'invalid' };
      }
      ctx.log.info({ event: 'auth.password_reset', userId: user.id }, 'password reset completed');
      return { status: 'ok' };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

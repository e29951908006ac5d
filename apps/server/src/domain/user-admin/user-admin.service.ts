/**
 * Account administration by officers and admins: list, read, create, edit profiles and groups, grant
 * and revoke roles, disable and enable accounts. Each operation asks policies/domain-policy.ts whether
 * this actor may do it to this account (officers keep voters; only admins touch privileged accounts,
 * emails and roles; nobody grants themselves a role or disables their own account; the last active
 * admin stays), runs in one transaction with its audit entry, and a revoked role or a disabled
 * account takes effect at once: the account's sessions are ended.
 */
import { can, type DenyCode } from '../../policies/domain-policy.js';
import type { PolicyContext } from '../../policies/policy-context.js';
import type { Actor, Role } from '../../policies/types.js';
import type { Database, Queryable } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import type { User, UserAttributes, UserIdentifier, UserWriteFailure } from '../users/user.js';
import type { UserListQuery, UsersRepository } from '../users/users.repository.js';

export interface AdminContext {
  ip?: string | null;
  requestId?: string | null;
}

export interface NewAccountInput {
  email: string;
  fullName: string;
  roles?: Role[];
  identifiers?: UserIdentifier[];
  attributes?: UserAttributes;
}

export interface AccountChanges {
  email?: string;
  fullName?: string;
  identifiers?: UserIdentifier[];
  attributes?: UserAttributes;
}

export type AdminFailureCode = DenyCode | UserWriteFailure;
export type AdminResult =
  | { ok: true; user: User; changed: boolean }
  | { ok: false; code: AdminFailureCode; message: string };

const FAILURE_MESSAGES: Record<UserWriteFailure, string> = {
  EMAIL_TAKEN: 'Another account has this email',
  IDENTIFIER_TAKEN: 'Another account has this identifier',
  USER_NOT_FOUND: 'No such account',
};

export interface UserAdminDeps {
  db: Database;
  users: UsersRepository;
  audit: AuditSink;
  /** ends a user's sessions when a role is revoked or the account disabled (identity module) */
  sessions?: { revokeUserSessions(userId: string, reason: string, tx?: Queryable): Promise<number> };
  /** The app's policy context (the identity module's), for every permission check. */
  policy: PolicyContext;
}

/**
 * Locks every active admin row so two concurrent revocations (or two admins disabling each other)
 * cannot both leave zero admins.
 */
async function lockActiveAdmins(tx: Queryable): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    'user_admin.lock_admins',
    `SELECT id FROM users WHERE 'admin' = ANY (roles) AND disabled_at IS NULL ORDER BY id FOR UPDATE`,
  );
  return rows.map((r) => r.id);
}

class Refused extends Error {
  constructor(readonly result: AdminResult & { ok: false }) {
    super(result.message);
  }
}

export function createUserAdmin(deps: UserAdminDeps) {
  const { policy } = deps;
  const refuse = (code: AdminFailureCode, message: string): never => {
    throw new Refused({ ok: false, code, message });
  };
  const check = (p: ReturnType<typeof can>) => {
    if (!p.allowed) refuse(p.code, p.reason);
  };
  const writeOk = (r: Awaited<ReturnType<UsersRepository['create']>>): User =>
    r.ok ? r.user : refuse(r.code, FAILURE_MESSAGES[r.code]);

  async function run(
    name: string,
    fn: (tx: Queryable) => Promise<{ user: User; changed: boolean }>,
  ): Promise<AdminResult> {
    try {
      return { ok: true, ...(await deps.db.transaction(name, fn)) };
    } catch (e) {
      if (e instanceof Refused) return e.result;
      throw e;
    }
  }

  async function load(id: string, tx: Queryable): Promise<User> {
    const u = await deps.users.findById(id, tx);
    if (!u) return refuse('USER_NOT_FOUND', FAILURE_MESSAGES.USER_NOT_FOUND);
    const { passwordHash: _omit, ...user } = u;
    return user;
  }

  return {
    async list(actor: Actor, query: UserListQuery) {
      const p = can(policy, actor, 'user.view', { kind: 'user', userId: '', roles: [] });
      if (!p.allowed) return { ok: false as const, code: p.code, message: p.reason };
      return { ok: true as const, ...(await deps.users.list(query)) };
    },

    get: (actor: Actor, id: string) =>
      run('user_admin.get', async (tx) => {
        const user = await load(id, tx);
        check(can(policy, actor, 'user.view', { kind: 'user', userId: user.id, roles: user.roles }));
        return { user, changed: false };
      }),

    create: (actor: Actor, input: NewAccountInput, ctx: AdminContext = {}) =>
      run('user_admin.create', async (tx) => {
        const roles: Role[] = [...new Set<Role>(input.roles ?? ['voter'])];
        check(can(policy, actor, 'user.edit_profile', { kind: 'user', userId: '', roles }));
        for (const role of roles.filter((r) => r !== 'voter')) {
          check(can(policy, actor, 'role.grant', { kind: 'role_change', userId: '', role, adminsAfter: 1 }));
        }
        const user = writeOk(
          await deps.users.create(
            {
              email: input.email,
              fullName: input.fullName,
              roles,
              identifiers: input.identifiers,
              attributes: input.attributes,
            },
            tx,
          ),
        );
        await deps.audit.append(
          {
            actor: actor.userId,
            action: 'user.created',
            target: `user:${user.id}`,
            ...ctx,
            details: { roles },
          },
          tx,
        );
        return { user, changed: true };
      }),

    update: (actor: Actor, id: string, changes: AccountChanges, ctx: AdminContext = {}) =>
      run('user_admin.update', async (tx) => {
        const current = await load(id, tx);
        check(
          can(policy, actor, 'user.edit_profile', { kind: 'user', userId: current.id, roles: current.roles }),
        );
        const emailChanges =
          changes.email !== undefined && changes.email.trim().toLowerCase() !== current.email.toLowerCase();
        if (emailChanges)
          check(
            can(policy, actor, 'user.change_email', {
              kind: 'user',
              userId: current.id,
              roles: current.roles,
            }),
          );
        const fields = (Object.keys(changes) as Array<keyof AccountChanges>).filter(
          (k) => changes[k] !== undefined,
        );
        const user = writeOk(await deps.users.update(id, changes, tx));
        await deps.audit.append(
          {
            actor: actor.userId,
            action: 'user.updated',
            target: `user:${user.id}`,
            ...ctx,
            details: { fields },
          },
          tx,
        );
        return { user, changed: true };
      }),

    grantRole: (actor: Actor, id: string, role: Role, ctx: AdminContext = {}) =>
      run('user_admin.grant_role', async (tx) => {
        const current = await load(id, tx);
        check(
          can(policy, actor, 'role.grant', { kind: 'role_change', userId: current.id, role, adminsAfter: 1 }),
        );
        if (current.roles.includes(role)) return { user: current, changed: false };
        const user = writeOk(await deps.users.setRoles(id, [...current.roles, role], tx));
        await deps.audit.append(
          {
            actor: actor.userId,
            action: 'user.role_granted',
            target: `user:${user.id}`,
            ...ctx,
            details: { role },
          },
          tx,
        );
        return { user, changed: true };
      }),

    revokeRole: (actor: Actor, id: string, role: Role, ctx: AdminContext = {}) =>
      run('user_admin.revoke_role', async (tx) => {
        const admins = role === 'admin' ? await lockActiveAdmins(tx) : [];
        const current = await load(id, tx);
        const adminsAfter = admins.filter((a) => a !== current.id).length;
        check(
          can(policy, actor, 'role.revoke', { kind: 'role_change', userId: current.id, role, adminsAfter }),
        );
        if (!current.roles.includes(role)) return { user: current, changed: false };
        const user = writeOk(
          await deps.users.setRoles(
            id,
            current.roles.filter((r) => r !== role),
            tx,
          ),
        );
        // Access tokens carry roles: end the account's sessions so the revocation holds at once.
        const sessionsRevoked = deps.sessions
          ? await deps.sessions.revokeUserSessions(id, 'role_revoked', tx)
          : 0;
        await deps.audit.append(
          {
            actor: actor.userId,
            action: 'user.role_revoked',
            target: `user:${user.id}`,
            ...ctx,
            details: { role, sessionsRevoked },
          },
          tx,
        );
        return { user, changed: true };
      }),

    /**
     * Disables (sign-in refused, every session ended at once) or enables an account. Idempotent: the
     * same state again changes nothing and writes no audit entry.
     */
    setDisabled: (actor: Actor, id: string, disabled: boolean, ctx: AdminContext = {}) =>
      run(disabled ? 'user_admin.disable' : 'user_admin.enable', async (tx) => {
        const admins = disabled ? await lockActiveAdmins(tx) : [];
        const current = await load(id, tx);
        const adminsAfter = admins.filter((a) => a !== current.id).length;
        check(
          can(policy, actor, 'user.set_disabled', {
            kind: 'account_status',
            userId: current.id,
            roles: current.roles,
            disable: disabled,
            adminsAfter,
          }),
        );
        if (current.disabled === disabled) return { user: current, changed: false };
        const user = writeOk(await deps.users.setDisabled(id, disabled, tx));
        const sessionsRevoked =
          disabled && deps.sessions ? await deps.sessions.revokeUserSessions(id, 'account_disabled', tx) : 0;
        await deps.audit.append(
          {
            actor: actor.userId,
            action: disabled ? 'user.disabled' : 'user.enabled',
            target: `user:${user.id}`,
            ...ctx,
            details: disabled ? { sessionsRevoked } : {},
          },
          tx,
        );
        return { user, changed: true };
      }),
  };
}

export type UserAdmin = ReturnType<typeof createUserAdmin>;

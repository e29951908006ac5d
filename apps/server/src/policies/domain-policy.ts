/**
 * Domain authorization: who may do what to which resource, in which state (ARCHITECTURE §9
 * habit 6). Route policies only say which roles reach a route; the handler then asks
 * `can(actor, action, resource)` with the loaded resource, so the election lifecycle and the
 * user-administration rules live here and nowhere else. The action list is closed: a new action
 * is added here, with its rule and a test.
 *
 * Election lifecycle (issue 5): draft → key_ceremony → ready → open → closed → tallying →
 * tallied → published, and cancelled from any state before tallying.
 */

import { canTransition, type ElectionState } from '../domain/elections/election-state.js';
import { effectiveRoles, type PolicyContext } from './policy-context.js';
import type { Actor, Role } from './types.js';

// The lifecycle itself (states and legal transitions) is domain knowledge and lives in one place;
// policies re-export it so callers asking "may X do Y" and "is Y a legal move" use the same table.
export { canTransition, ELECTION_STATES, type ElectionState } from '../domain/elections/election-state.js';

export interface ElectionResource {
  kind: 'election';
  state: ElectionState;
}

/** A voter's standing in one election, loaded by the caller. */
export interface BallotResource {
  kind: 'ballot';
  state: ElectionState;
  eligible: boolean;
  alreadyVoted: boolean;
  revotePolicy: 'forbidden' | 'last-counts';
}

export interface UserResource {
  kind: 'user';
  userId: string;
  roles: readonly Role[];
}

export interface RoleChangeResource {
  kind: 'role_change';
  userId: string;
  role: Role;
  /** Admins there would be after the change (active accounts), for the last-admin rule. */
  adminsAfter: number;
}

/** Disabling or enabling an account (sign-in refused, sessions ended) or enabling it again. */
export interface AccountStatusResource {
  kind: 'account_status';
  userId: string;
  roles: readonly Role[];
  disable: boolean;
  /** Active admins there would be after the change, for the last-admin rule. */
  adminsAfter: number;
}

export interface ActionResources {
  'election.create': null;
  'election.edit': ElectionResource;
  'election.transition': ElectionResource & { to: ElectionState };
  'election.view_results': ElectionResource;
  /** list every election and read any one in full, including drafts (staff) */
  'election.view_all': null;
  /** turnout, analytics and exports: counts only, never choices */
  'election.view_turnout': ElectionResource;
  /** read or replace the explicit voter list */
  'election.manage_voters': ElectionResource;
  'ballot.cast': BallotResource;
  'roll.import': null;
  'user.view': UserResource;
  'user.edit_profile': UserResource;
  'user.change_email': UserResource;
  'role.grant': RoleChangeResource;
  'role.revoke': RoleChangeResource;
  'user.set_disabled': AccountStatusResource;
  'audit.read': null;
}
export type DomainAction = keyof ActionResources;
/** Refusal codes; their HTTP statuses are in the one table of http/error-mapper.ts. */
export type DenyCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'INVALID_ELECTION_STATE'
  | 'ELECTION_NOT_OPEN'
  | 'NOT_ELIGIBLE'
  | 'ALREADY_VOTED'
  | 'SELF_ROLE_CHANGE'
  | 'SELF_DISABLE'
  | 'LAST_ADMIN';

export type Permission = { allowed: true } | { allowed: false; code: DenyCode; reason: string };

const ok: Permission = { allowed: true };
const deny = (code: DenyCode, reason: string): Permission => ({ allowed: false, code, reason });

const PRIVILEGED: readonly Role[] = ['officer', 'admin', 'auditor'];
const EDITABLE_ELECTION: readonly ElectionState[] = ['draft'];
const RESULTS_PUBLIC: readonly ElectionState[] = ['published'];
const RESULTS_STAFF: readonly ElectionState[] = ['tallied', 'published'];

/**
 * May `actor` do `action` to `resource`? `ctx` is the app's policy context (policy-context.ts): a
 * role the configuration marks as MFA-required counts only when the session completed MFA.
 */
export function can<A extends DomainAction>(
  ctx: PolicyContext,
  actor: Actor | null | undefined,
  action: A,
  resource: ActionResources[A],
): Permission {
  const roles = actor ? effectiveRoles(actor, ctx) : [];
  const has = (...wanted: Role[]) => roles.some((r) => wanted.includes(r));
  const isOfficer = has('officer', 'admin');
  const isAdmin = has('admin');

  if (action === 'election.view_results') {
    const r = resource as ElectionResource;
    if (RESULTS_PUBLIC.includes(r.state)) return ok;
    if (!actor) return deny('UNAUTHORIZED', 'Results are not public yet');
    if (RESULTS_STAFF.includes(r.state) && has('officer', 'admin', 'auditor')) return ok;
    return RESULTS_STAFF.includes(r.state)
      ? deny('FORBIDDEN', 'Results are not published yet')
      : deny('INVALID_ELECTION_STATE', `No results while the election is ${r.state}`);
  }
  if (!actor) return deny('UNAUTHORIZED', 'Sign in first');

  switch (action) {
    case 'election.create':
    case 'roll.import':
      return isOfficer ? ok : deny('FORBIDDEN', 'Officers only');
    case 'election.view_all':
      return has('officer', 'admin', 'auditor') ? ok : deny('FORBIDDEN', 'Staff only');
    case 'election.view_turnout':
      // every state: in draft the eligible count is how officers check the roll before the ceremony
      return has('officer', 'admin', 'auditor')
        ? ok
        : deny('FORBIDDEN', 'Officers, admins and auditors only');
    case 'election.manage_voters':
      return isOfficer ? ok : deny('FORBIDDEN', 'Officers only');
    case 'audit.read':
      return has('auditor', 'admin') ? ok : deny('FORBIDDEN', 'Auditors and admins only');
    case 'election.edit': {
      const r = resource as ElectionResource;
      if (!isOfficer) return deny('FORBIDDEN', 'Officers only');
      return EDITABLE_ELECTION.includes(r.state)
        ? ok
        : deny('INVALID_ELECTION_STATE', `The ballot cannot be edited once the election is ${r.state}`);
    }
    case 'election.transition': {
      const r = resource as ElectionResource & { to: ElectionState };
      if (!isOfficer) return deny('FORBIDDEN', 'Officers only');
      return canTransition(r.state, r.to)
        ? ok
        : deny('INVALID_ELECTION_STATE', `An election cannot go from ${r.state} to ${r.to}`);
    }
    case 'ballot.cast': {
      const r = resource as BallotResource;
      if (!has('voter')) return deny('FORBIDDEN', 'Only voters cast ballots');
      if (r.state !== 'open') return deny('ELECTION_NOT_OPEN', `The election is ${r.state}`);
      if (!r.eligible) return deny('NOT_ELIGIBLE', 'You are not on the roll of this election');
      if (r.alreadyVoted && r.revotePolicy === 'forbidden')
        return deny('ALREADY_VOTED', 'You have already voted');
      return ok;
    }
    case 'user.view': {
      const r = resource as UserResource;
      return r.userId === actor.userId || isOfficer ? ok : deny('FORBIDDEN', 'Officers only');
    }
    case 'user.edit_profile': {
      // Officers keep the roll (voters); accounts with powers are edited by admins only, so an
      // officer cannot retarget an admin's account.
      const r = resource as UserResource;
      if (isAdmin) return ok;
      if (!isOfficer) return deny('FORBIDDEN', 'Officers only');
      if (r.userId === actor.userId) return deny('FORBIDDEN', 'Ask an admin to edit your own account');
      return r.roles.some((x) => PRIVILEGED.includes(x))
        ? deny('FORBIDDEN', 'Only admins edit accounts with officer, admin or auditor roles')
        : ok;
    }
    case 'user.change_email':
      // The email is where password resets go: changing it is taking over the account.
      return isAdmin ? ok : deny('FORBIDDEN', 'Admins only');
    case 'role.grant': {
      const r = resource as RoleChangeResource;
      if (!isAdmin) return deny('FORBIDDEN', 'Only admins grant roles');
      if (r.userId === actor.userId) return deny('SELF_ROLE_CHANGE', 'Nobody can give themselves a role');
      return ok;
    }
    case 'role.revoke': {
      const r = resource as RoleChangeResource;
      if (!isAdmin) return deny('FORBIDDEN', 'Only admins revoke roles');
      if (r.role === 'admin' && r.adminsAfter < 1)
        return deny('LAST_ADMIN', 'At least one admin must remain');
      return ok;
    }
    case 'user.set_disabled': {
      // Like profiles: officers for voter accounts, admins for any; never one's own account.
      const r = resource as AccountStatusResource;
      if (!isOfficer) return deny('FORBIDDEN', 'Officers only');
      if (r.userId === actor.userId)
        return deny('SELF_DISABLE', 'Nobody can disable or enable their own account');
      if (!isAdmin && r.roles.some((x) => PRIVILEGED.includes(x)))
        return deny(
          'FORBIDDEN',
          'Only admins disable or enable accounts with officer, admin or auditor roles',
        );
      if (r.disable && r.roles.includes('admin') && r.adminsAfter < 1)
        return deny('LAST_ADMIN', 'At least one active admin must remain');
      return ok;
    }
    default: {
      const never: never = action as never;
      throw new Error(`can: unknown action ${String(never)}`);
    }
  }
}

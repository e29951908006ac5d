/**
 * Decides what a voter-roll import would do, row by row, given the accounts that already exist: create
 * (new email), update (something differs), or nothing (unchanged). Pure, so the same plan drives the
 * dry-run preview and the real import, and its rules are unit-tested: re-importing a file changes
 * nothing (idempotent, matched by email), identifiers stay unique across accounts, nobody changes
 * their own account through an import, and the user-administration rules of policies/ apply (an
 * officer cannot edit an admin's account or grant a role by importing it).
 */
import { can } from '../../policies/domain-policy.js';
import type { PolicyContext } from '../../policies/policy-context.js';
import type { Actor, Role } from '../../policies/types.js';
import type { IdentifierKind, RollError, RollRow } from './roll-csv.js';

export interface ExistingAccount {
  id: string;
  /** lower case */
  email: string;
  fullName: string;
  roles: Role[];
  identifiers: Array<{ kind: string; value: string }>;
  attributes: Record<string, unknown>;
}

export interface IdentifierOwner {
  userId: string;
  kind: string;
  value: string;
}

export type PlannedChange =
  | { kind: 'create'; row: RollRow }
  | {
      kind: 'update';
      row: RollRow;
      userId: string;
      /** names of what changes: fullName, identifiers.<kind>, attributes, roles */
      changes: string[];
      addVoterRole: boolean;
    }
  | { kind: 'unchanged'; row: RollRow; userId: string };

export interface RollPlan {
  changes: PlannedChange[];
  errors: RollError[];
  toCreate: number;
  toUpdate: number;
  unchanged: number;
}

const FIELD_OF: Record<IdentifierKind, string> = { matric: 'matric_number', staff_id: 'staff_id' };

function sameAttributes(a: Record<string, unknown>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

export function planRollImport(input: {
  rows: readonly RollRow[];
  /** by lower-case email */
  existing: ReadonlyMap<string, ExistingAccount>;
  /** by lower-case identifier value */
  identifierOwners: ReadonlyMap<string, IdentifierOwner>;
  actor: Actor;
  /** The app's policy context, for the user-administration checks. */
  policy: PolicyContext;
}): RollPlan {
  const { rows, existing, identifierOwners, actor, policy } = input;
  const plan: RollPlan = { changes: [], errors: [], toCreate: 0, toUpdate: 0, unchanged: 0 };

  for (const row of rows) {
    const account = existing.get(row.email);
    const err = (field: string | null, reason: string) => plan.errors.push({ line: row.line, field, reason });
    const before = plan.errors.length;

    for (const [kind, value] of Object.entries(row.identifiers) as Array<[IdentifierKind, string]>) {
      const owner = identifierOwners.get(value.toLowerCase());
      if (owner && owner.userId !== account?.id)
        err(FIELD_OF[kind], `'${value}' already belongs to another account`);
      if (account) {
        // The account may hold the same value under another kind; one value, one kind.
        const clash = account.identifiers.find(
          (i) => i.kind !== kind && i.value.toLowerCase() === value.toLowerCase(),
        );
        if (clash) err(FIELD_OF[kind], `'${value}' is already this account's ${clash.kind}`);
      }
    }

    if (!account) {
      if (plan.errors.length === before) {
        plan.changes.push({ kind: 'create', row });
        plan.toCreate++;
      }
      continue;
    }

    if (account.id === actor.userId) {
      err('email', 'this is your own account; ask an admin to change it');
      continue;
    }
    const changes: string[] = [];
    if (account.fullName !== row.name) changes.push('fullName');
    for (const [kind, value] of Object.entries(row.identifiers)) {
      if (account.identifiers.find((i) => i.kind === kind)?.value !== value)
        changes.push(`identifiers.${kind}`);
    }
    if (row.groups && !sameAttributes(account.attributes, row.groups)) changes.push('attributes');
    const addVoterRole = !account.roles.includes('voter');
    if (addVoterRole) changes.push('roles');

    if (changes.length === 0) {
      if (plan.errors.length === before) {
        plan.changes.push({ kind: 'unchanged', row, userId: account.id });
        plan.unchanged++;
      }
      continue;
    }
    const edit = can(policy, actor, 'user.edit_profile', {
      kind: 'user',
      userId: account.id,
      roles: account.roles,
    });
    if (!edit.allowed) err('email', `${edit.reason} (existing account)`);
    if (addVoterRole) {
      const grant = can(policy, actor, 'role.grant', {
        kind: 'role_change',
        userId: account.id,
        role: 'voter',
        adminsAfter: 1,
      });
      if (!grant.allowed) err('email', `the existing account lacks the voter role: ${grant.reason}`);
    }
    if (plan.errors.length === before) {
      plan.changes.push({ kind: 'update', row, userId: account.id, changes, addVoterRole });
      plan.toUpdate++;
    }
  }
  plan.errors.sort((a, b) => a.line - b.line);
  return plan;
}
